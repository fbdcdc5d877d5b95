package dev.qdrantloader.pipelines;

import dev.qdrantloader.io.convert.ConversionLimits;
import dev.qdrantloader.io.localfile.LocalFileSpec;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.SourceScope;
import dev.qdrantloader.transforms.chunk.ChunkingOptions;
import dev.qdrantloader.transforms.chunk.TokenCounterFactory;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import dev.qdrantloader.transforms.embed.EmbedderFactory;
import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.io.Serializable;
import java.util.List;

/**
 * Everything one ingest run needs, resolved and typed: what to read, how to convert, chunk and
 * embed, and where to write. Built from a workspace's configuration by {@link IngestionJobs}; the
 * pipeline itself never sees the workspace file or pipeline options.
 *
 * @param sources the localfile sources to read
 * @param conversion size and time limits for conversion
 * @param resources when reading slows down for lack of heap or CPU
 * @param chunking chunk size and overlap in tokens
 * @param embedding the embedding provider, its token counter (for chunk sizes), request limits and
 *     caches
 * @param qdrant the Qdrant to write to
 * @param collection the collection name
 * @param ingestedAt RFC 3339 time stamped on every point of the run
 * @param failuresPrefix file prefix (any Beam filesystem) the run's failures are written to, one
 *     JSON object per line
 * @param spreadBuckets how many keys the listed files are spread over before reading: 0 gives each
 *     file its own random key (the most parallelism, for cluster runners); a small multiple of the
 *     cores suits the DirectRunner, which pays a fixed cost per bundle and makes one per key
 * @param batching how chunks are gathered into embedding calls
 * @param force convert, embed and write every listed document even when its bytes are as ingested
 *     (no vectors reused)
 * @param sweep the collection may hold points no manifest entry accounts for (an earlier run was
 *     interrupted or failed, the collection is older than its manifest, or {@code --force}): new
 *     documents also get their stale points deleted, and after the run points of the listed sources
 *     whose document has no entry are removed
 */
public record IngestionJob(
    List<LocalFileSpec> sources,
    ConversionLimits conversion,
    ResourceLimits resources,
    ChunkingOptions chunking,
    EmbeddingPlan embedding,
    QdrantConnection qdrant,
    String collection,
    String ingestedAt,
    String failuresPrefix,
    int spreadBuckets,
    EmbedChunks.Batching batching,
    boolean force,
    boolean sweep)
    implements Serializable {
  public IngestionJob {
    sources = List.copyOf(sources);
    if (resources == null) {
      throw new IllegalArgumentException("resources must not be null");
    }
    if (batching == null) {
      throw new IllegalArgumentException("batching must not be null");
    }
    if (spreadBuckets < 0) {
      throw new IllegalArgumentException(
          "spreadBuckets must not be negative, got " + spreadBuckets);
    }
  }

  /** This job with another embedding provider. */
  public IngestionJob withEmbedder(EmbedderFactory other) {
    return new IngestionJob(
        sources,
        conversion,
        resources,
        chunking,
        embedding.withEmbedder(other),
        qdrant,
        collection,
        ingestedAt,
        failuresPrefix,
        spreadBuckets,
        batching,
        force,
        sweep);
  }

  /**
   * This job shaped for a runner: the listed files spread over {@code buckets} keys (0: one per
   * file), and chunks gathered into embedding calls by {@code how}.
   */
  public IngestionJob withExecution(int buckets, EmbedChunks.Batching how) {
    return new IngestionJob(
        sources,
        conversion,
        resources,
        chunking,
        embedding,
        qdrant,
        collection,
        ingestedAt,
        failuresPrefix,
        buckets,
        how,
        force,
        sweep);
  }

  /**
   * This job with {@code force} (rewrite everything listed) and {@code sweep} (remove orphans of
   * the listed sources after the run).
   */
  public IngestionJob withIncremental(boolean forceAll, boolean sweepOrphans) {
    return new IngestionJob(
        sources,
        conversion,
        resources,
        chunking,
        embedding,
        qdrant,
        collection,
        ingestedAt,
        failuresPrefix,
        spreadBuckets,
        batching,
        forceAll,
        sweepOrphans);
  }

  /** The embedding model's token counter. */
  public TokenCounterFactory tokens() {
    return embedding.tokens();
  }

  /** The embedding provider. */
  public EmbedderFactory embedder() {
    return embedding.embedder();
  }

  /** The sources as the manifest scopes them. */
  public List<SourceScope> scopes() {
    List<SourceScope> out = new java.util.ArrayList<>();
    for (LocalFileSpec s : sources) {
      out.add(new SourceScope(s.projectId(), LocalFileSpec.SOURCE_TYPE, s.source()));
    }
    return out;
  }
}
