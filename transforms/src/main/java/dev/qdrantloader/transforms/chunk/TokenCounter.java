package dev.qdrantloader.transforms.chunk;

/**
 * Counts the tokens an embedding model's encoder sees for a text, special tokens included, without
 * truncating. Implementations must be thread-safe.
 */
public interface TokenCounter {
  int countTokens(String text);

  /**
   * Where the tokens of {@code text} lie, so spans of one text can be counted without encoding each
   * of them again: {@code {start0, end0, start1, end1, ...}} as UTF-16 indexes into {@code text},
   * special tokens left out, in order. Null when this counter cannot tell (the default), in which
   * case every span is counted on its own.
   *
   * <p>Only a counter whose tokenizer never lets a token cross whitespace (BERT's WordPiece, for
   * one) may answer: the chunker then takes the tokens inside a whitespace-bounded span as that
   * span's count.
   */
  default int[] tokenOffsets(String text) {
    return null;
  }
}
