package dev.qdrantloader.transforms.chunk;

import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertAllFit;
import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertExactCover;
import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertNothingLost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextChunkerTest {
  private final FakeTokenCounter counter = new FakeTokenCounter();

  private List<ChunkedText> chunk(String text, int maxTokens, int overlapTokens) {
    return new TextChunker(counter, new ChunkingOptions(maxTokens, overlapTokens)).chunk(text);
  }

  @Test
  void whitespaceOnlyTextYieldsNoChunks() {
    assertEquals(List.of(), chunk("", 64, 0));
    assertEquals(List.of(), chunk(" \n\n\t  \r\n ", 64, 8));
  }

  @Test
  void shortTextIsOneTrimmedChunkWithItsTokenCount() {
    List<ChunkedText> chunks = chunk("\n  Hello world.\n\nSecond paragraph.  \n", 64, 8);

    assertEquals(1, chunks.size());
    assertEquals("Hello world.\n\nSecond paragraph.", chunks.get(0).text());
    assertEquals(List.of(), chunks.get(0).headingPath());
    assertEquals(
        counter.countTokens("Hello world.\n\nSecond paragraph."), chunks.get(0).tokenCount());
  }

  @ParameterizedTest(name = "seed {0}, maxTokens {1}, overlap {2}")
  @CsvSource({
    "1, 8, 0",
    "2, 8, 3",
    "3, 16, 0",
    "4, 16, 7",
    "5, 50, 0",
    "6, 50, 20",
    "7, 128, 32",
    "8, 512, 0",
    "9, 512, 100",
    "10, 256, 127"
  })
  void everyChunkFitsAndNoTextIsLostInGeneratedTexts(long seed, int maxTokens, int overlap) {
    String text = ChunkAssertions.generatedText(seed, 60);

    List<ChunkedText> chunks = chunk(text, maxTokens, overlap);

    assertAllFit(chunks, counter, maxTokens);
    assertNothingLost(text, chunks);
    if (overlap == 0) {
      assertExactCover(text, chunks);
    }
  }

  @ParameterizedTest(name = "seed {0}, maxTokens {1}, overlap {2}")
  @CsvSource({"11, 8, 2", "12, 40, 10", "13, 200, 60"})
  void chunksStillFitWhenJoinsCostMoreThanTheirParts(long seed, int maxTokens, int overlap) {
    FakeTokenCounter spacesCost = new FakeTokenCounter(true);
    String text = ChunkAssertions.generatedText(seed, 40);

    List<ChunkedText> chunks =
        new TextChunker(spacesCost, new ChunkingOptions(maxTokens, overlap)).chunk(text);

    assertAllFit(chunks, spacesCost, maxTokens);
    assertNothingLost(text, chunks);
  }

  @Test
  void singleFiveThousandCharacterWordIsCutByCharactersWithoutLoss() {
    String word = ChunkAssertions.longWord(new Random(5), 5_000);
    String text = "Before it. " + word + " After it.";

    List<ChunkedText> chunks = chunk(text, 64, 0);

    assertAllFit(chunks, counter, 64);
    assertExactCover(text, chunks);
    assertTrue(chunks.size() >= 5_000 / (62 * 4), "the word needs several chunks");
    String joined = chunks.stream().map(ChunkedText::text).collect(Collectors.joining());
    assertTrue(joined.contains(word), "the pieces of the word join back into it");
  }

  @Test
  void wordOfSupplementaryCharactersIsNotCutInsideASurrogatePair() {
    String text = "\uD83D\uDE00".repeat(300);

    List<ChunkedText> chunks = chunk(text, 8, 0);

    assertAllFit(chunks, counter, 8);
    assertExactCover(text, chunks);
    for (ChunkedText chunk : chunks) {
      assertFalse(Character.isLowSurrogate(chunk.text().charAt(0)), chunk.text());
    }
  }

  @Test
  void paragraphsThatFitAreNeverCut() {
    List<String> paragraphs =
        IntStream.range(0, 6)
            .mapToObj(p -> sentence("p" + p, 9) + " " + sentence("q" + p, 9))
            .collect(Collectors.toList());
    String text = String.join("\n\n", paragraphs);
    int paragraphTokens = counter.countTokens(paragraphs.get(0));

    // Room for one paragraph, not for two.
    List<ChunkedText> chunks = chunk(text, paragraphTokens + 5, 0);

    assertEquals(paragraphs, chunks.stream().map(ChunkedText::text).collect(Collectors.toList()));
  }

  @Test
  void longParagraphIsCutAtSentenceBoundaries() {
    List<String> sentences =
        IntStream.range(0, 20).mapToObj(s -> sentence("s" + s, 6)).collect(Collectors.toList());
    String text = String.join(" ", sentences);

    List<ChunkedText> chunks = chunk(text, 40, 0);

    assertTrue(chunks.size() > 1);
    for (ChunkedText chunk : chunks) {
      assertTrue(chunk.text().startsWith("S"), "starts a sentence: " + chunk.text());
      assertTrue(chunk.text().endsWith("."), "ends a sentence: " + chunk.text());
    }
    assertExactCover(text, chunks);
  }

  @Test
  void eachChunkAfterTheFirstStartsWithTrailingSentencesOfThePreviousOne() {
    List<String> sentences =
        IntStream.range(0, 40).mapToObj(s -> sentence("s" + s, 4)).collect(Collectors.toList());
    String text = String.join(" ", sentences);
    int overlap = 16;

    List<ChunkedText> chunks = chunk(text, 48, overlap);

    assertTrue(chunks.size() > 3);
    assertAllFit(chunks, counter, 48);
    assertNothingLost(text, chunks);
    for (int i = 1; i < chunks.size(); i++) {
      String shared = sharedText(chunks.get(i - 1).text(), chunks.get(i).text());
      assertFalse(shared.isEmpty(), "chunk " + i + " repeats the end of chunk " + (i - 1));
      assertTrue(shared.startsWith("S") && shared.endsWith("."), "whole sentences: " + shared);
      int sharedTokens = counter.countTokens(shared) - FakeTokenCounter.SPECIAL_TOKENS;
      assertTrue(sharedTokens <= overlap, sharedTokens + " overlap tokens");
    }
  }

  @Test
  void overlapFallsBackToTrailingWordsWhenTheLastSentenceIsTooLong() {
    // One sentence without any full stop, far longer than the overlap.
    String text = sentence("w", 200);

    List<ChunkedText> chunks = chunk(text, 40, 10);

    assertTrue(chunks.size() > 3);
    assertAllFit(chunks, counter, 40);
    assertNothingLost(text, chunks);
    for (int i = 1; i < chunks.size(); i++) {
      String shared = sharedText(chunks.get(i - 1).text(), chunks.get(i).text());
      assertFalse(shared.isEmpty(), "chunk " + i + " repeats words of chunk " + (i - 1));
      assertTrue(counter.countTokens(shared) - FakeTokenCounter.SPECIAL_TOKENS <= 10, shared);
    }
  }

  @Test
  void noOverlapMeansChunksShareNoText() {
    String text =
        IntStream.range(0, 60)
            .mapToObj(s -> sentence("n" + s, 1 + s % 7) + (s % 5 == 0 ? "\n\n" : " "))
            .collect(Collectors.joining());

    List<ChunkedText> chunks = chunk(text, 24, 0);

    assertTrue(chunks.size() > 10);

    for (int i = 1; i < chunks.size(); i++) {
      assertEquals("", sharedText(chunks.get(i - 1).text(), chunks.get(i).text()));
    }
    assertExactCover(text, chunks);
  }

  @Test
  void countsEachPartOfTheTextAFewTimesNotOncePerChunk() {
    // Re-counting whole chunks as they grow would count each character dozens of times.
    String text = ChunkAssertions.generatedText(31, 400);
    FakeTokenCounter counting = new FakeTokenCounter();

    List<ChunkedText> chunks = new TextChunker(counting, new ChunkingOptions(128, 32)).chunk(text);

    assertTrue(chunks.size() > 100);
    assertTrue(
        counting.charsCounted() < 6L * text.length(),
        counting.charsCounted() + " characters counted for a text of " + text.length());
  }

  @Test
  void counterWhoseSpecialTokensFillTheBudgetIsRejected() {
    TokenCounter greedy = text -> 8 + text.length();

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TextChunker(greedy, new ChunkingOptions(8, 0)));
    assertTrue(e.getMessage().contains("maxTokens"), e.getMessage());
  }

  /** "Id0 id1 ... idN." with unique words. */
  static String sentence(String id, int words) {
    List<String> parts = new ArrayList<>();
    for (int w = 0; w < words; w++) {
      parts.add((w == 0 ? "S" : "w") + id + "x" + w);
    }
    return String.join(" ", parts) + (words > 100 ? "" : ".");
  }

  /** The longest tail of {@code previous} that {@code next} starts with. */
  static String sharedText(String previous, String next) {
    for (int length = Math.min(previous.length(), next.length()); length > 0; length--) {
      if (previous.endsWith(next.substring(0, length))) {
        return next.substring(0, length);
      }
    }
    return "";
  }
}
