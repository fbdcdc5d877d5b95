package dev.qdrantloader.pipelines.config;

import dev.qdrantloader.io.embedding.LocalModel;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * How chunks are embedded ({@code global.embedding}).
 *
 * @param provider {@code local} (in-process ONNX models, the default); {@code openai}, {@code
 *     azure_openai} and {@code openai_compatible} are accepted here and refused by the pipeline
 *     until it supports them
 * @param model the model; for {@code local} one of {@code all-minilm-l6-v2-q} (the default) or
 *     {@code bge-small-en-v15-q}
 * @param batchSize chunks per embedding call, 1..4096
 * @param vectorSize the vector size, derived from the model when it is a local one, else null
 *     unless the YAML gives it
 */
public record EmbeddingSettings(String provider, String model, int batchSize, Integer vectorSize)
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
  }

  /** The local provider with its default model, batch size and vector size. */
  public static EmbeddingSettings defaults() {
    return new EmbeddingSettings(
        LOCAL, DEFAULT_MODEL, DEFAULT_BATCH_SIZE, LocalModel.byId(DEFAULT_MODEL).dimension());
  }

  /** True for the in-process models. */
  public boolean isLocal() {
    return LOCAL.equals(provider);
  }
}
