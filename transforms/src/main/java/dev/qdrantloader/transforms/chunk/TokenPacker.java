package dev.qdrantloader.transforms.chunk;

import java.text.BreakIterator;
import java.text.StringCharacterIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The splitting engine both chunkers share. It cuts blocks of a text into units that fit the token
 * budget on their own (a block, else its sentences or lines, else words, else runs of characters)
 * and packs consecutive units greedily into chunks, each a verbatim slice of the text.
 *
 * <p>Counting can be costly (a native tokenizer), so each unit is counted once, a chunk's size is
 * estimated as the sum of its units, and only the finished chunk is counted again; when joins made
 * the estimate too low, units are dropped from the chunk's end and it is counted once more.
 *
 * <p>When the counter can tell where a text's tokens lie ({@link TokenCounter#tokenOffsets}), the
 * text is encoded once and every whitespace-bounded span is counted from those offsets; other spans
 * (cuts inside a word) are still counted on their own.
 *
 * <p>Its only mutable state is that per-thread memo of the last text's offsets: it is as
 * thread-safe as its {@link TokenCounter}.
 */
final class TokenPacker {
  /** How a block that is too large is cut: prose by sentences, code by lines. */
  enum Kind {
    PROSE,
    CODE
  }

  /** A structural block of the text, {@code [start, end)}, never cut unless it is too large. */
  record Block(int start, int end, Kind kind) {}

  /** A chunk: the slice {@code [start, end)} of the text and its counted tokens. */
  record Slice(int start, int end, int tokens) {}

  /** A packing unit; {@code tokens} excludes the counter's fixed special tokens. */
  private record Unit(int start, int end, int tokens) {}

  private static final int SENTENCES = 0;
  private static final int LINES = 1;
  private static final int WORDS = 2;
  private static final int CHARACTERS = 3;

  /**
   * Real tokenizers average far fewer characters per token than this, so a span longer than this
   * many characters per token of the budget is split without paying to count it whole.
   */
  private static final int MAX_CHARS_PER_TOKEN = 40;

  private final TokenCounter counter;
  private final ThreadLocal<Offsets> lastText = new ThreadLocal<>();
  private final int maxTokens;
  private final int overlapTokens;
  private final int overhead;

  TokenPacker(TokenCounter counter, ChunkingOptions options) {
    this.counter = Objects.requireNonNull(counter, "counter");
    Objects.requireNonNull(options, "options");
    this.maxTokens = options.maxTokens();
    this.overlapTokens = options.overlapTokens();
    // Special tokens ([CLS], [SEP], ...) come with every count; measure them once.
    this.overhead = Math.max(0, counter.countTokens(""));
    if (overhead >= maxTokens) {
      throw new IllegalArgumentException(
          "maxTokens ("
              + maxTokens
              + ") leaves no room for text: the token counter adds "
              + overhead
              + " special tokens to every text");
    }
  }

  int maxTokens() {
    return maxTokens;
  }

  /** The special tokens the counter adds to every text. */
  int overhead() {
    return overhead;
  }

  /** Whether {@code [start, end)} is too long to fit with any real tokenizer. */
  boolean surelyTooLarge(int start, int end) {
    return end - start > (long) maxTokens * MAX_CHARS_PER_TOKEN;
  }

  /** Tokens of {@code text[start, end)} counted alone, special tokens included. */
  int count(String text, int start, int end) {
    Offsets offsets = offsets(text);
    int inside = offsets == null ? -1 : offsets.tokensWithin(start, end);
    return inside >= 0 ? overhead + inside : counter.countTokens(text.substring(start, end));
  }

  /** The token offsets of {@code text}, computed once per text and thread; null if unknown. */
  private Offsets offsets(String text) {
    Offsets o = lastText.get();
    if (o == null || o.text != text) {
      int[] spans = counter.tokenOffsets(text);
      o = new Offsets(text, spans);
      lastText.set(o);
    }
    return o.spans == null ? null : o;
  }

  /** A text and where its tokens lie ({@code spans} as in {@link TokenCounter#tokenOffsets}). */
  private static final class Offsets {
    final String text;
    final int[] spans;

    Offsets(String text, int[] spans) {
      this.text = text;
      this.spans = spans;
    }

    /**
     * Tokens lying in {@code [start, end)}, or -1 when that is not the span's own count: an edge
     * not bounded by whitespace (or the text's ends) could split a word differently, and a token
     * across an edge belongs to neither side.
     */
    int tokensWithin(int start, int end) {
      if (!bounded(start) || !bounded(end)) {
        return -1;
      }
      int first = firstEndingAfter(start);
      if (first < spans.length / 2 && spans[2 * first] < start && spans[2 * first + 1] > start) {
        return -1;
      }
      int afterLast = firstEndingAfter(end);
      if (afterLast < spans.length / 2 && spans[2 * afterLast] < end) {
        return -1;
      }
      return afterLast - first;
    }

    private boolean bounded(int p) {
      return p <= 0
          || p >= text.length()
          || Character.isWhitespace(text.charAt(p - 1))
          || Character.isWhitespace(text.charAt(p));
    }

    /** Index of the first token whose end is after {@code p}. */
    private int firstEndingAfter(int p) {
      int lo = 0;
      int hi = spans.length / 2;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (spans[2 * mid + 1] > p) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }

  /** Tokens of {@code text[start, end)} without the special tokens every count includes. */
  int contentTokens(String text, int start, int end) {
    return Math.max(0, count(text, start, end) - overhead);
  }

  /**
   * Cuts the blocks of {@code text} into chunks of at most {@code maxTokens} tokens. Blocks must be
   * in order and must not overlap; text outside them is ignored.
   */
  List<Slice> pack(String text, List<Block> blocks) {
    List<Unit> units = new ArrayList<>();
    for (Block block : blocks) {
      cut(text, block.start(), block.end(), block.kind() == Kind.CODE ? LINES : SENTENCES, units);
    }
    return packUnits(text, units);
  }

  /** Adds {@code [start, end)} as one unit if it fits, else cuts it at {@code level}. */
  private void cut(String text, int start, int end, int level, List<Unit> units) {
    int s = skipSpace(text, start, end);
    int e = trimEnd(text, s, end);
    if (s >= e) {
      return;
    }
    if (surelyTooLarge(s, e)) {
      // Surely too large: do not pay for counting it whole.
      split(text, s, e, level, -1, units);
      return;
    }
    int tokens = contentTokens(text, s, e);
    if (overhead + tokens <= maxTokens) {
      units.add(new Unit(s, e, tokens));
    } else {
      split(text, s, e, level, tokens, units);
    }
  }

  /**
   * Cuts a trimmed span known to be too large into pieces at {@code level} or finer; {@code tokens}
   * is its count without special tokens, or -1 when it was not counted.
   */
  private void split(String text, int start, int end, int level, int tokens, List<Unit> units) {
    if (level >= CHARACTERS) {
      cutCharacters(text, start, end, tokens, units);
      return;
    }
    List<int[]> pieces =
        switch (level) {
          case SENTENCES -> sentences(text, start, end);
          case LINES -> lines(text, start, end);
          default -> words(text, start, end);
        };
    if (pieces.size() <= 1) {
      // Nothing to cut at this level: the single piece is the span itself, already counted.
      split(text, start, end, level + 1, tokens, units);
      return;
    }
    for (int[] piece : pieces) {
      cut(text, piece[0], piece[1], level + 1, units);
    }
  }

  /**
   * Cuts one run without spaces into prefixes that fit. Each length is guessed from the characters
   * per token seen so far, refined twice by interpolation and then by bisection, so a piece usually
   * costs two or three counts of about its own length. A prefix within a small tolerance of the
   * budget is taken rather than searching for the exact longest one.
   */
  private void cutCharacters(String text, int start, int end, int runTokens, List<Unit> units) {
    int budget = maxTokens - overhead;
    int tolerance = Math.max(1, budget / 32);
    double charsPerToken = runTokens > 0 ? (end - start) / (double) runTokens : 4.0;
    int pos = start;
    while (pos < end) {
      int lo = pos; // the longest prefix end known to fit
      int loTokens = 0;
      int hi = -1; // the shortest prefix end known not to fit, -1 while unknown
      long target = pos + Math.max(1, Math.round(charsPerToken * budget));
      for (int step = 0; ; step++) {
        int probe = probeBetween(text, target, lo, hi, end);
        if (probe < 0) {
          break;
        }
        int tokens = contentTokens(text, pos, probe);
        if (tokens <= budget) {
          lo = probe;
          loTokens = tokens;
          if (probe == end || tokens >= budget - tolerance) {
            break;
          }
        } else {
          hi = probe;
        }
        if (tokens > 0) {
          charsPerToken = (probe - pos) / (double) tokens;
        }
        if (step < 2 && tokens > 0) {
          target = pos + Math.round(charsPerToken * budget);
        } else {
          target = hi < 0 ? pos + 2L * (lo - pos) : (lo + (long) hi) / 2;
        }
      }
      if (lo == pos) {
        // Not even one code point fits; keep it anyway, since text is never dropped.
        lo = pos + Character.charCount(text.codePointAt(pos));
        loTokens = contentTokens(text, pos, lo);
      }
      units.add(new Unit(pos, lo, loTokens));
      pos = lo;
    }
  }

  /**
   * A cut position strictly between {@code lo} and {@code hi} ({@code hi} < 0: up to {@code end})
   * and nearest {@code target}, never inside a surrogate pair; -1 when there is none.
   */
  private static int probeBetween(String text, long target, int lo, int hi, int end) {
    int upper = hi < 0 ? end : hi - 1;
    if (upper <= lo) {
      return -1;
    }
    int p = (int) Math.max(lo + 1, Math.min(upper, target));
    if (p < end
        && Character.isLowSurrogate(text.charAt(p))
        && Character.isHighSurrogate(text.charAt(p - 1))) {
      p = p - 1 > lo ? p - 1 : p + 1;
      if (p > upper) {
        return -1;
      }
    }
    return p;
  }

  private List<Slice> packUnits(String text, List<Unit> units) {
    List<Slice> slices = new ArrayList<>();
    int previousStart = -1;
    int i = 0;
    while (i < units.size()) {
      Unit first = units.get(i);
      int start = first.start();
      int estimate = overhead + first.tokens();
      if (previousStart >= 0 && overlapTokens > 0) {
        int budget = Math.min(overlapTokens, maxTokens - estimate);
        Slice previous = slices.get(slices.size() - 1);
        // Tails far longer in characters than the budget cannot fit; do not count them.
        long maxChars =
            64 + 3L * budget * (previous.end() - previous.start()) / Math.max(1, previous.tokens());
        int[] overlap =
            budget > 0
                ? overlap(text, previousStart, units.get(i - 1).end(), budget, maxChars)
                : null;
        if (overlap != null) {
          start = overlap[0];
          estimate += overlap[1];
        }
      }
      int j = i + 1;
      while (j < units.size() && estimate + units.get(j).tokens() <= maxTokens) {
        estimate += units.get(j).tokens();
        j++;
      }
      int end = units.get(j - 1).end();
      int tokens = count(text, start, end);
      while (tokens > maxTokens) {
        if (j - 1 > i) {
          // The sum under-estimated (tokens at joins): drop about the excess from the end.
          int excess = tokens - maxTokens;
          int removed = 0;
          while (j - 1 > i && removed < excess) {
            j--;
            removed += Math.max(1, units.get(j).tokens());
          }
        } else if (start < first.start()) {
          start = first.start();
        } else {
          break; // a lone unit, counted alone when it was cut
        }
        end = units.get(j - 1).end();
        tokens = count(text, start, end);
      }
      slices.add(new Slice(start, end, tokens));
      previousStart = first.start();
      i = j;
    }
    return slices;
  }

  /**
   * The longest tail of {@code text[regionStart, end)} made of whole sentences, or failing that of
   * whole words, with at most {@code budget} tokens and {@code maxChars} characters: {start,
   * tokens}, or null when none fits.
   */
  private int[] overlap(String text, int regionStart, int end, int budget, long maxChars) {
    List<int[]> sentences = sentences(text, regionStart, end);
    int[] best = longestFittingTail(text, sentences, end, budget, maxChars);
    if (best != null || sentences.isEmpty()) {
      return best;
    }
    int[] last = sentences.get(sentences.size() - 1);
    List<int[]> words = words(text, last[0], end);
    // The whole last sentence did not fit; only tails starting after its first word can.
    return longestFittingTail(
        text, words.subList(Math.min(1, words.size()), words.size()), end, budget, maxChars);
  }

  /**
   * Binary search for the most trailing pieces whose text up to {@code end} fits the budget. Each
   * piece has at least one token, so no more than {@code budget} pieces are candidates.
   */
  private int[] longestFittingTail(
      String text, List<int[]> pieces, int end, int budget, long maxChars) {
    int candidates = 0;
    while (candidates < Math.min(pieces.size(), budget)
        && end - pieces.get(pieces.size() - 1 - candidates)[0] <= maxChars) {
      candidates++;
    }
    int[] best = null;
    int lo = 1;
    int hi = candidates;
    while (lo <= hi) {
      int k = (lo + hi) >>> 1;
      int start = pieces.get(pieces.size() - k)[0];
      int tokens = contentTokens(text, start, end);
      if (tokens <= budget) {
        best = new int[] {start, tokens};
        lo = k + 1;
      } else {
        hi = k - 1;
      }
    }
    return best;
  }

  /** Trimmed, non-empty sentences of {@code [start, end)} as {start, end} pairs. */
  private static List<int[]> sentences(String text, int start, int end) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(new StringCharacterIterator(text, start, end, start));
    List<int[]> pieces = new ArrayList<>();
    int from = it.first();
    for (int to = it.next(); to != BreakIterator.DONE; from = to, to = it.next()) {
      addTrimmed(text, from, to, pieces);
    }
    return pieces;
  }

  /** Trimmed, non-empty lines of {@code [start, end)}. */
  private static List<int[]> lines(String text, int start, int end) {
    List<int[]> pieces = new ArrayList<>();
    int from = start;
    for (int i = start; i < end; i++) {
      if (text.charAt(i) == '\n') {
        addTrimmed(text, from, i, pieces);
        from = i + 1;
      }
    }
    addTrimmed(text, from, end, pieces);
    return pieces;
  }

  /** Maximal runs of non-whitespace characters in {@code [start, end)}. */
  private static List<int[]> words(String text, int start, int end) {
    List<int[]> pieces = new ArrayList<>();
    int i = start;
    while (i < end) {
      i = skipSpace(text, i, end);
      int from = i;
      while (i < end && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i > from) {
        pieces.add(new int[] {from, i});
      }
    }
    return pieces;
  }

  private static void addTrimmed(String text, int start, int end, List<int[]> pieces) {
    int s = skipSpace(text, start, end);
    int e = trimEnd(text, s, end);
    if (s < e) {
      pieces.add(new int[] {s, e});
    }
  }

  static int skipSpace(String text, int start, int end) {
    int i = start;
    while (i < end && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  static int trimEnd(String text, int start, int end) {
    int i = end;
    while (i > start && Character.isWhitespace(text.charAt(i - 1))) {
      i--;
    }
    return i;
  }
}
