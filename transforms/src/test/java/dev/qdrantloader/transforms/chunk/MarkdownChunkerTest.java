package dev.qdrantloader.transforms.chunk;

import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertAllFit;
import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertExactCover;
import static dev.qdrantloader.transforms.chunk.ChunkAssertions.assertNothingLost;
import static dev.qdrantloader.transforms.chunk.TextChunkerTest.sentence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarkdownChunkerTest {
  private final FakeTokenCounter counter = new FakeTokenCounter();

  private List<ChunkedText> chunk(String markdown, int maxTokens, int overlapTokens) {
    return new MarkdownChunker(counter, new ChunkingOptions(maxTokens, overlapTokens))
        .chunk(markdown);
  }

  private static List<List<String>> paths(List<ChunkedText> chunks) {
    return chunks.stream().map(ChunkedText::headingPath).collect(Collectors.toList());
  }

  /**
   * A body of 11 tokens for a one-letter id: with a heading, a section fits 24 tokens but two
   * sections do not.
   */
  private static String body(String id) {
    return sentence(id, 10);
  }

  @Test
  void nestedHeadingsGiveEachSectionItsPathOfHeadings() {
    String markdown =
        String.join(
            "\n\n",
            "# Install",
            body("a"),
            "## On Linux",
            body("b"),
            "### From source",
            body("c"),
            "## On Mac ##",
            body("d"),
            "# Use",
            body("e"),
            "#### Deep without parents",
            body("f"));

    List<ChunkedText> chunks = chunk(markdown, 24, 0);

    assertEquals(
        List.of(
            List.of("Install"),
            List.of("Install", "On Linux"),
            List.of("Install", "On Linux", "From source"),
            List.of("Install", "On Mac"),
            List.of("Use"),
            List.of("Use", "Deep without parents")),
        paths(chunks));
    assertEquals("## On Linux\n\n" + body("b"), chunks.get(1).text());
    assertAllFit(chunks, counter, 24);
    assertExactCover(markdown, chunks);
  }

  @Test
  void textBeforeTheFirstHeadingHasAnEmptyPath() {
    String markdown = body("i") + "\n\n# Title\n\n" + body("t");

    List<ChunkedText> chunks = chunk(markdown, 24, 0);

    assertEquals(List.of(List.of(), List.of("Title")), paths(chunks));
    assertEquals(body("i"), chunks.get(0).text());
  }

  @Test
  void hashLinesInsideCodeFencesAreNotHeadings() {
    String markdown =
        String.join(
            "\n",
            "# Setup",
            "",
            "```bash",
            "# install the tools",
            "",
            "## not a heading either",
            "apt-get install foo",
            "```",
            "",
            "~~~~",
            "# still code",
            "```",
            "# still code, the fence above does not close a tilde fence",
            "~~~~",
            "",
            "## After");

    List<ChunkedText> chunks = chunk(markdown, 512, 0);

    for (ChunkedText chunk : chunks) {
      assertTrue(
          chunk.headingPath().equals(List.of("Setup"))
              || chunk.headingPath().equals(List.of("Setup", "After")),
          chunk.headingPath().toString());
    }
    assertEquals(1, chunks.size(), "small subsections merge into their parent");
    assertEquals(markdown, chunks.get(0).text());
  }

  @Test
  void headingsAfterAClosedFenceAreHeadingsAgain() {
    String markdown = "# A\n\n```\n# code\n```\n\n" + body("a") + "\n\n# B\n\n" + body("b");

    List<ChunkedText> chunks = chunk(markdown, 24, 0);

    assertEquals(List.of(List.of("A"), List.of("B")), paths(chunks));
  }

  @Test
  void setextHeadingsStartSections() {
    String markdown =
        "Guide\n=====\n\n"
            + body("a")
            + "\n\nDetails\n-------\n\n"
            + body("b")
            + "\n\n- item\n---\n";

    List<ChunkedText> chunks = chunk(markdown, 40, 0);

    assertEquals(List.of(List.of("Guide"), List.of("Guide", "Details")), paths(chunks));
    assertTrue(chunks.get(1).text().startsWith("Details\n-------"));
    assertTrue(chunks.get(1).text().endsWith("- item\n---"), "a list item is not a heading");
  }

  @Test
  void smallSubsectionsMergeIntoTheirParentButSiblingsStaySeparate() {
    String markdown =
        "# Guide\n\nIntro.\n\n## Install\n\nRun it.\n\n### Linux\n\nApt.\n\n"
            + "# Reference\n\nAll of it.\n\n# FAQ\n\nAsk.";

    List<ChunkedText> chunks = chunk(markdown, 512, 0);

    assertEquals(List.of(List.of("Guide"), List.of("Reference"), List.of("FAQ")), paths(chunks));
    assertEquals(
        "# Guide\n\nIntro.\n\n## Install\n\nRun it.\n\n### Linux\n\nApt.", chunks.get(0).text());
    assertEquals(counter.countTokens(chunks.get(0).text()), chunks.get(0).tokenCount());
  }

  @Test
  void textBeforeTheFirstHeadingAbsorbsTheSectionsThatFit() {
    String markdown = "Intro.\n\n# A\n\nText.\n\n## B\n\nMore.";

    List<ChunkedText> chunks = chunk(markdown, 512, 0);

    assertEquals(1, chunks.size());
    assertEquals(List.of(), chunks.get(0).headingPath());
  }

  @Test
  void mergingStopsBeforeTheSectionThatWouldNotFit() {
    String markdown = "# A\n\nShort.\n\n## B\n\n" + body("b") + "\n\n## C\n\n" + body("c");

    List<ChunkedText> chunks = chunk(markdown, 24, 0);

    assertEquals(List.of(List.of("A"), List.of("A", "C")), paths(chunks));
    assertTrue(chunks.get(0).text().contains("## B"));
    assertAllFit(chunks, counter, 24);
  }

  @Test
  void fencedCodeBlockThatFitsIsKeptWholeWhenItsSectionIsCut() {
    String code = "```java\nint a = 1;\n\n\nint b = 2;\n\n// end\n```";
    String markdown =
        "# Code\n\n" + body("a") + "\n\n" + code + "\n\n" + body("b") + "\n\n" + body("c");

    List<ChunkedText> chunks = chunk(markdown, 40, 0);

    assertTrue(chunks.size() > 1);
    assertTrue(
        chunks.stream().anyMatch(c -> c.text().contains(code)),
        "one chunk holds the whole code block");
    chunks.forEach(c -> assertEquals(List.of("Code"), c.headingPath()));
    assertExactCover(markdown, chunks);
  }

  @Test
  void fencedCodeBlockTooLargeAloneIsCutAtLines() {
    StringBuilder code = new StringBuilder("```python\n");
    for (int i = 0; i < 60; i++) {
      code.append("x").append(i).append(" = compute(").append(i).append(")\n");
    }
    code.append("```");
    String markdown = "## Script\n\n" + code;

    List<ChunkedText> chunks = chunk(markdown, 40, 0);

    assertTrue(chunks.size() > 3);
    assertAllFit(chunks, counter, 40);
    assertExactCover(markdown, chunks);
    for (int i = 1; i < chunks.size() - 1; i++) {
      assertTrue(chunks.get(i).text().matches("(?s)x\\d+ = .*\\)"), chunks.get(i).text());
    }
  }

  @Test
  void overlapRepeatsTheTailOfTheSamePieceOfSectionOnly() {
    String markdown = "# One\n\n" + sentences("a", 30) + "\n\n# Two\n\n" + sentences("b", 30);

    List<ChunkedText> chunks = chunk(markdown, 48, 12);

    assertAllFit(chunks, counter, 48);
    assertNothingLost(markdown, chunks);
    for (int i = 1; i < chunks.size(); i++) {
      String shared = TextChunkerTest.sharedText(chunks.get(i - 1).text(), chunks.get(i).text());
      boolean sameSection = chunks.get(i - 1).headingPath().equals(chunks.get(i).headingPath());
      assertEquals(sameSection, !shared.isEmpty(), "chunk " + i + " shares '" + shared + "'");
      assertTrue(counter.countTokens(shared) - FakeTokenCounter.SPECIAL_TOKENS <= 12);
    }
  }

  @Test
  void blankMarkdownYieldsNoChunks() {
    assertEquals(List.of(), chunk("\n \n\t\n", 64, 0));
  }

  @ParameterizedTest(name = "maxTokens {0}, overlap {1}")
  @CsvSource({"8, 0", "8, 3", "24, 0", "24, 8", "64, 0", "64, 16", "256, 0", "512, 128"})
  void realisticDocumentChunksAllFitAndLoseNothing(int maxTokens, int overlap) {
    String markdown = realisticDocument();

    List<ChunkedText> chunks = chunk(markdown, maxTokens, overlap);

    assertAllFit(chunks, counter, maxTokens);
    assertNothingLost(markdown, chunks);
    if (overlap == 0) {
      assertExactCover(markdown, chunks);
    }
    for (ChunkedText c : chunks) {
      assertFalse(c.headingPath().contains("comment in code"), c.headingPath().toString());
    }
    // A merged chunk carries its first section's path, an ancestor of every section in it.
    List<String> linux = List.of("qdrant-loader", "Install", "On Linux");
    for (ChunkedText c : chunks) {
      if (c.text().contains("sudo apt-get")) {
        List<String> path = c.headingPath();
        assertEquals(linux.subList(0, path.size()), path);
        if (maxTokens <= 24) {
          assertEquals(linux, path, "a section too large for one chunk is not merged");
        }
      }
    }
  }

  @Test
  void realisticDocumentChunksFitWhenJoinsCostMoreThanTheirParts() {
    FakeTokenCounter spacesCost = new FakeTokenCounter(true);
    String markdown = realisticDocument();

    for (int max : new int[] {8, 30, 100, 400}) {
      List<ChunkedText> chunks =
          new MarkdownChunker(spacesCost, new ChunkingOptions(max, max / 4)).chunk(markdown);
      assertAllFit(chunks, spacesCost, max);
      assertNothingLost(markdown, chunks);
    }
  }

  private static String sentences(String id, int count) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      b.append(i == 0 ? "" : " ").append(sentence(id + i, 4));
    }
    return b.toString();
  }

  static String realisticDocument() {
    Random random = new Random(42);
    return String.join(
        "\n",
        "---",
        "title: qdrant-loader",
        "---",
        "",
        "Some words before any heading, as converted documents often have.",
        "",
        "# qdrant-loader",
        "",
        "Loads documents into Qdrant. " + ChunkAssertions.generatedText(1, 3).strip(),
        "",
        "## Install",
        "",
        "You need Java 17.",
        "",
        "### On Linux",
        "",
        "1. Install a JDK:",
        "   ```bash",
        "   # comment in code",
        "   sudo apt-get install openjdk-17-jdk",
        "   ```",
        "2. Download the jar.",
        "",
        "```",
        "# comment in code",
        "",
        "java -jar qdrant-loader.jar ingest --workspace .",
        "```",
        "",
        "### On Mac",
        "",
        "- brew install openjdk@17",
        "- brew install qdrant",
        "  continued list line",
        "* another item",
        "",
        "Usage",
        "-----",
        "",
        "| option | meaning |",
        "|--------|---------|",
        "| --force | re-index everything |",
        "",
        ChunkAssertions.generatedText(2, 12).strip(),
        "",
        "> A quote. With two sentences.",
        "",
        "## Long word",
        "",
        "Here it comes: " + ChunkAssertions.longWord(random, 5_000) + " and it ends.",
        "",
        "~~~python",
        "def f():",
        "    # comment in code",
        "    return 1",
        "",
        "",
        "# comment in code",
        "~~~",
        "",
        "#### Deep heading #",
        "",
        "Trailing text with a C# mention and #hashtag.",
        "");
  }
}
