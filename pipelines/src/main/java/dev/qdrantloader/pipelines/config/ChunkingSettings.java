package dev.qdrantloader.pipelines.config;

import java.io.Serializable;

/**
 * How documents are cut into chunks ({@code global.chunking}), in tokens of the embedding model.
 *
 * @param chunkSize the largest chunk, at least 16 and at most the embedding model's window (a local
 *     model's, or {@code max_tokens_per_input} for a remote provider); null means a local model's
 *     window; for a remote provider the configuration fills in {@code min(512,
 *     max_tokens_per_input)} when {@code chunk_size} is not given, since retrieval works better
 *     with chunks well below the 8191 tokens remote models accept
 * @param chunkOverlap tokens repeated between neighbouring chunks, at least 0 and below the chunk
 *     size
 */
public record ChunkingSettings(Integer chunkSize, int chunkOverlap) implements Serializable {
  public static final int MIN_CHUNK_SIZE = 16;
  public static final int DEFAULT_CHUNK_OVERLAP = 16;

  /** The default chunk size for remote providers, unless their max_tokens_per_input is lower. */
  public static final int DEFAULT_REMOTE_CHUNK_SIZE = 512;

  public ChunkingSettings {
    if (chunkSize != null && chunkSize < MIN_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunkSize must be at least " + MIN_CHUNK_SIZE + ", got " + chunkSize);
    }
    if (chunkOverlap < 0) {
      throw new IllegalArgumentException("chunkOverlap must not be negative, got " + chunkOverlap);
    }
    if (chunkSize != null && chunkOverlap >= chunkSize) {
      throw new IllegalArgumentException(
          "chunkOverlap (" + chunkOverlap + ") must be less than chunkSize (" + chunkSize + ")");
    }
  }

  /** A local model's window, overlap 16. */
  public static ChunkingSettings defaults() {
    return new ChunkingSettings(null, DEFAULT_CHUNK_OVERLAP);
  }
}
