package dev.qdrantloader.transforms.chunk;

import java.io.Serializable;

/**
 * How large chunks may be, in the embedding model's tokens (special tokens included).
 *
 * @param maxTokens the most tokens a chunk may have as the model counts it; at least 8
 * @param overlapTokens the most tokens of a chunk's tail repeated at the start of the next chunk of
 *     the same section; at least 0 and less than half of {@code maxTokens}
 */
public record ChunkingOptions(int maxTokens, int overlapTokens) implements Serializable {
  /** The smallest {@code maxTokens} accepted: room for special tokens and a few words. */
  public static final int MIN_MAX_TOKENS = 8;

  public ChunkingOptions {
    if (maxTokens < MIN_MAX_TOKENS) {
      throw new IllegalArgumentException(
          "maxTokens must be at least " + MIN_MAX_TOKENS + ", was " + maxTokens);
    }
    if (overlapTokens < 0 || 2L * overlapTokens >= maxTokens) {
      throw new IllegalArgumentException(
          "overlapTokens must be at least 0 and less than half of maxTokens ("
              + maxTokens
              + "), was "
              + overlapTokens);
    }
  }
}
