package dev.qdrantloader.transforms.chunk;

/**
 * Counts the tokens an embedding model's encoder sees for a text, special tokens included, without
 * truncating. Implementations must be thread-safe.
 */
public interface TokenCounter {
  int countTokens(String text);
}
