package dev.qdrantloader.transforms.chunk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in for a WordPiece tokenizer: [CLS] and [SEP], one token per four letters
 * or digits of a word (so a long word costs many tokens), one per other visible character. With
 * {@code spacesCost} every gap between words also costs a token, so a text costs more than the sum
 * of its words counted alone, as with tokenizers whose tokens span joins.
 */
final class FakeTokenCounter implements TokenCounter {
  static final int SPECIAL_TOKENS = 2;

  private final boolean spacesCost;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong charsCounted = new AtomicLong();

  FakeTokenCounter() {
    this(false);
  }

  FakeTokenCounter(boolean spacesCost) {
    this.spacesCost = spacesCost;
  }

  @Override
  public int countTokens(String text) {
    calls.incrementAndGet();
    charsCounted.addAndGet(text.length());
    int tokens = SPECIAL_TOKENS;
    int run = 0;
    boolean seenVisible = false;
    boolean inGap = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        run++;
      } else {
        tokens += (run + 3) / 4;
        run = 0;
      }
      if (Character.isWhitespace(c)) {
        inGap = seenVisible;
      } else {
        if (inGap && spacesCost) {
          tokens++;
        }
        inGap = false;
        seenVisible = true;
        if (!Character.isLetterOrDigit(c)) {
          tokens++;
        }
      }
    }
    return tokens + (run + 3) / 4;
  }

  long calls() {
    return calls.get();
  }

  long charsCounted() {
    return charsCounted.get();
  }

  /** Serializable factory for pipelines; each call gives a fresh counter. */
  static final class Factory implements TokenCounterFactory {
    @Override
    public TokenCounter create() {
      return new FakeTokenCounter();
    }
  }
}
