package dev.qdrantloader.transforms.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

/** Checks every chunker must pass, and generators of awkward texts. */
final class ChunkAssertions {
  private ChunkAssertions() {}

  /** Every chunk fits, and its token count is what the counter says for its text alone. */
  static void assertAllFit(List<ChunkedText> chunks, TokenCounter counter, int maxTokens) {
    for (int i = 0; i < chunks.size(); i++) {
      ChunkedText chunk = chunks.get(i);
      int tokens = counter.countTokens(chunk.text());
      assertTrue(tokens <= maxTokens, "chunk " + i + " has " + tokens + " > " + maxTokens);
      assertEquals(tokens, chunk.tokenCount(), "token count of chunk " + i);
      assertEquals(chunk.text().strip(), chunk.text(), "chunk " + i + " is trimmed");
      assertTrue(!chunk.text().isEmpty(), "chunk " + i + " is not empty");
    }
  }

  /**
   * No visible character is lost or reordered: the chunks, whitespace removed, can be laid over the
   * input, whitespace removed, each starting no later than the previous one ends (overlap) and
   * together reaching its end.
   */
  static void assertNothingLost(String input, List<ChunkedText> chunks) {
    String all = visible(input);
    int previousStart = 0;
    int previousEnd = 0;
    for (int i = 0; i < chunks.size(); i++) {
      String piece = visible(chunks.get(i).text());
      int at = all.lastIndexOf(piece, previousEnd);
      assertTrue(
          at >= previousStart,
          "chunk " + i + " does not continue the text where chunk " + (i - 1) + " ended");
      assertTrue(at + piece.length() > previousEnd, "chunk " + i + " adds new text");
      previousStart = at;
      previousEnd = at + piece.length();
    }
    assertEquals(all.length(), previousEnd, "the chunks reach the end of the text");
  }

  /** Without overlap the chunks are exactly the input's visible characters, in order. */
  static void assertExactCover(String input, List<ChunkedText> chunks) {
    StringBuilder joined = new StringBuilder();
    chunks.forEach(c -> joined.append(c.text()));
    assertEquals(visible(input), visible(joined.toString()));
  }

  static String visible(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))) {
        b.append(text.charAt(i));
      }
    }
    return b.toString();
  }

  /**
   * A long text of unique words: paragraphs of sentences, some hard-wrapped, some without any
   * punctuation, some list-like lines, and now and then a very long word.
   */
  static String generatedText(long seed, int paragraphs) {
    Random random = new Random(seed);
    StringBuilder b = new StringBuilder();
    int word = 0;
    for (int p = 0; p < paragraphs; p++) {
      int kind = random.nextInt(10);
      int sentences = 1 + random.nextInt(kind == 0 ? 40 : 8);
      for (int s = 0; s < sentences; s++) {
        int words = 1 + random.nextInt(kind == 1 ? 300 : 25);
        for (int w = 0; w < words; w++) {
          if (random.nextInt(400) == 0) {
            b.append(longWord(random, 100 + random.nextInt(3000)));
          } else {
            b.append(w == 0 ? "W" : "w").append(word++);
            if (random.nextInt(12) == 0) {
              b.append(',');
            }
          }
          b.append(random.nextInt(15) == 0 ? "\n" : " ");
        }
        if (kind == 2) {
          b.append("\n- ");
        } else if (kind != 1) {
          b.append(random.nextBoolean() ? ". " : "? ");
        }
      }
      b.append(random.nextInt(5) == 0 ? "\n  \n\n" : "\n\n");
    }
    return b.toString();
  }

  static String longWord(Random random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }
}
