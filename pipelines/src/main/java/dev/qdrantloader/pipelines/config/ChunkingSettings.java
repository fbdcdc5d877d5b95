package dev.qdrantloader.pipelines.config;

import java.io.Serializable;

/**
 * How documents are cut into chunks ({@code global.chunking}), in tokens of the embedding model.
 *
 * @param chunkSize the largest chunk, at least 16; null means the embedding model's window
 * @param chunkOverlap tokens repeated between neighbouring chunks, at least 0 and below the chunk
 *     size
 */
public record ChunkingSettings(Integer chunkSize, int chunkOverlap) implements Serializable {
  public static final int MIN_CHUNK_SIZE = 16;
  public static final int DEFAULT_CHUNK_OVERLAP = 16;

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

  /** The model's window, overlap 16. */
  public static ChunkingSettings defaults() {
    return new ChunkingSettings(null, DEFAULT_CHUNK_OVERLAP);
  }
}
