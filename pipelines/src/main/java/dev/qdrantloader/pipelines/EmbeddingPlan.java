package dev.qdrantloader.pipelines;

import dev.qdrantloader.io.embedding.LocalEmbedderFactory;
import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.embedding.LocalTokenCounterFactory;
import dev.qdrantloader.io.embedding.cache.MvStoreVectorCacheFactory;
import dev.qdrantloader.io.embedding.remote.OpenAiTokenCounterFactory;
import dev.qdrantloader.io.embedding.remote.RemoteEmbedderFactory;
import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import dev.qdrantloader.pipelines.config.CacheSettings;
import dev.qdrantloader.pipelines.config.ConfigException;
import dev.qdrantloader.pipelines.config.EmbeddingSettings;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.transforms.chunk.TokenCounterFactory;
import dev.qdrantloader.transforms.embed.EmbedderFactory;
import dev.qdrantloader.transforms.embed.EmbeddingException;
import dev.qdrantloader.transforms.embed.VectorCacheFactory;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * The embedding side of a run, resolved from {@code global.embedding}: the provider, its token
 * counter (the model's own tokenizer, or jtokkit for OpenAI-style models), the vector size, the
 * caches.
 *
 * @param id the model as named in the collection's metadata and in messages
 * @param dimension the vector size; null for a remote model whose size is learnt by {@link
 *     #probed()}
 * @param window the most tokens the model embeds from one input
 * @param tokens counts tokens as the model does
 * @param embedder makes the vectors
 * @param batchSize inputs per request at most
 * @param maxRequestTokens tokens per request at most
 * @param memoryCacheBytes computed vectors kept in memory per run
 * @param persistentCache the optional cache on disk, or null
 * @param remote the remote provider's settings, or null for a local model
 */
public record EmbeddingPlan(
    String id,
    Integer dimension,
    int window,
    TokenCounterFactory tokens,
    EmbedderFactory embedder,
    int batchSize,
    long maxRequestTokens,
    long memoryCacheBytes,
    VectorCacheFactory persistentCache,
    RemoteEmbeddingConfig remote)
    implements Serializable {

  /** Resolves the configuration; a local model that does not exist is a configuration error. */
  public static EmbeddingPlan of(IngestionConfig config) {
    Path file = config.workspace().resolve("config.yaml");
    EmbeddingSettings e = config.embedding();
    CacheSettings cache = e.cache();
    VectorCacheFactory persistent =
        cache.enabled()
            ? new MvStoreVectorCacheFactory(config.workspace().resolve(cache.path()).toString())
            : null;
    long memory = (long) cache.maxMemoryMb() << 20;
    if (e.remote() != null) {
      RemoteEmbeddingConfig r = e.remote();
      return new EmbeddingPlan(
          r.provider().id() + "/" + r.model(),
          e.vectorSize() != null ? e.vectorSize() : r.dimensions(),
          r.maxTokensPerInput(),
          new OpenAiTokenCounterFactory(r.model()),
          new RemoteEmbedderFactory(r),
          Math.min(e.batchSize(), r.maxInputsPerRequest()),
          r.maxTokensPerRequest(),
          memory,
          persistent,
          r);
    }
    LocalModel model;
    try {
      model = LocalModel.byId(e.model());
    } catch (IllegalArgumentException ex) {
      throw new ConfigException(file, "global.embedding.model: " + ex.getMessage());
    }
    if (e.vectorSize() != null && e.vectorSize() != model.dimension()) {
      throw new ConfigException(
          file,
          "global.embedding.vector_size is "
              + e.vectorSize()
              + " but the model "
              + model.id()
              + " produces vectors of size "
              + model.dimension()
              + "; remove vector_size or set it to "
              + model.dimension());
    }
    return new EmbeddingPlan(
        model.id(),
        model.dimension(),
        model.window(),
        new LocalTokenCounterFactory(model),
        new LocalEmbedderFactory(model),
        e.batchSize(),
        Long.MAX_VALUE,
        memory,
        persistent,
        null);
  }

  /** This plan with another embedder (benchmarks and tests: the same pipeline, other vectors). */
  public EmbeddingPlan withEmbedder(EmbedderFactory other) {
    return new EmbeddingPlan(
        id,
        dimension,
        window,
        tokens,
        other,
        batchSize,
        maxRequestTokens,
        memoryCacheBytes,
        persistentCache,
        remote);
  }

  /** This plan without the on-disk cache (for workers that do not share this machine's disk). */
  public EmbeddingPlan withoutPersistentCache() {
    return new EmbeddingPlan(
        id,
        dimension,
        window,
        tokens,
        embedder,
        batchSize,
        maxRequestTokens,
        memoryCacheBytes,
        null,
        remote);
  }

  public boolean isRemote() {
    return remote != null;
  }

  /**
   * For a remote provider, asks it for one vector before anything is written: the credentials, URL
   * and model are checked, and the vector size is learnt or checked against the configured one. The
   * returned plan has its dimension set (the pipeline checks every vector against it). A local plan
   * is returned as it is.
   *
   * @throws EmbeddingException when the provider refuses, cannot be reached, or answers with
   *     vectors of another size than configured
   */
  public EmbeddingPlan probed() {
    if (remote == null) {
      return this;
    }
    int size = ((RemoteEmbedderFactory) embedder).create().probe();
    if (dimension != null && size != dimension) {
      throw new EmbeddingException(
          "the provider "
              + remote.describe()
              + " returned vectors of size "
              + size
              + ", but global.embedding "
              + (remote.dimensions() != null ? "dimensions" : "vector_size")
              + " is "
              + dimension
              + "; nothing was written");
    }
    return new EmbeddingPlan(
        id,
        size,
        window,
        tokens,
        embedder,
        batchSize,
        maxRequestTokens,
        memoryCacheBytes,
        persistentCache,
        remote);
  }

  /** The vector size, known for local models and after {@link #probed()}. */
  public int vectorSize() {
    if (dimension == null) {
      throw new IllegalStateException("the vector size of " + id + " is learnt by probed()");
    }
    return dimension;
  }
}
