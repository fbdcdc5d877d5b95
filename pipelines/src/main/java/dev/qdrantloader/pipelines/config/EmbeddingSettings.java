package dev.qdrantloader.pipelines.config;

import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * How chunks are embedded ({@code global.embedding}).
 *
 * @param provider {@code local} (in-process ONNX models, the default), or a remote API: {@code
 *     openai}, {@code azure_openai} or {@code openai_compatible}
 * @param model the model; for {@code local} one of {@code all-minilm-l6-v2-q} (the default) or
 *     {@code bge-small-en-v15-q}; for a remote provider the name sent with each request
 * @param batchSize chunks per embedding call, 1..4096; for a remote provider not read from the YAML
 *     but {@code max_inputs_per_request} capped at 4096
 * @param vectorSize the collection's vector size: derived from the model when it is a local one;
 *     for a remote provider {@code vector_size}, else {@code dimensions}, else null (learnt from
 *     the first vector)
 * @param remote how to reach and drive a remote provider, with every default filled in; null for
 *     {@code local}
 * @param cache the in-memory and the optional persistent vector cache
 */
public record EmbeddingSettings(
    String provider,
    String model,
    int batchSize,
    Integer vectorSize,
    RemoteEmbeddingConfig remote,
    CacheSettings cache)
    implements Serializable {
  public static final String LOCAL = "local";

  /** Every provider name the configuration accepts. */
  public static final List<String> PROVIDERS =
      List.of(LOCAL, "openai", "azure_openai", "openai_compatible");

  public static final String DEFAULT_MODEL = "all-minilm-l6-v2-q";
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int MAX_BATCH_SIZE = 4096;

  public EmbeddingSettings {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(cache, "cache");
    if (!PROVIDERS.contains(provider)) {
      throw new IllegalArgumentException(
          "provider must be one of " + PROVIDERS + ", got `" + provider + "`");
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException(
          "batchSize must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
    }
    if (vectorSize != null && vectorSize < 1) {
      throw new IllegalArgumentException("vectorSize must be positive, got " + vectorSize);
    }
    if (LOCAL.equals(provider) != (remote == null)) {
      throw new IllegalArgumentException(
          remote == null
              ? "provider `" + provider + "` needs its remote settings"
              : "the local provider takes no remote settings");
    }
    if (remote != null) {
      if (!remote.provider().id().equals(provider) || !remote.model().equals(model)) {
        throw new IllegalArgumentException(
            "remote settings are for " + remote.describe() + ", not " + provider + "/" + model);
      }
      if (vectorSize != null
          && remote.dimensions() != null
          && !vectorSize.equals(remote.dimensions())) {
        throw new IllegalArgumentException(
            "vectorSize ("
                + vectorSize
                + ") and dimensions ("
                + remote.dimensions()
                + ") must be equal");
      }
    }
  }

  /** A local provider's settings with the default cache (the form before remote providers). */
  public EmbeddingSettings(String provider, String model, int batchSize, Integer vectorSize) {
    this(provider, model, batchSize, vectorSize, null, CacheSettings.defaults());
  }

  /** The local provider with its default model, batch size, vector size and cache. */
  public static EmbeddingSettings defaults() {
    return new EmbeddingSettings(
        LOCAL, DEFAULT_MODEL, DEFAULT_BATCH_SIZE, LocalModel.byId(DEFAULT_MODEL).dimension());
  }

  /** True for the in-process models. */
  public boolean isLocal() {
    return LOCAL.equals(provider);
  }
}
