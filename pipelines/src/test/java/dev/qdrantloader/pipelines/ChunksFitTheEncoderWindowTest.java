package dev.qdrantloader.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.embedding.LocalTokenCounterFactory;
import dev.qdrantloader.transforms.chunk.ChunkedText;
import dev.qdrantloader.transforms.chunk.ChunkingOptions;
import dev.qdrantloader.transforms.chunk.MarkdownChunker;
import dev.qdrantloader.transforms.chunk.TextChunker;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With the real tokenizer of the shipped model: every chunk of real documents fits the 128 tokens
 * the encoder embeds (so the encoder never cuts one), and the chunks keep all of the input.
 */
class ChunksFitTheEncoderWindowTest {
  private static final LocalModel MODEL = LocalModel.ALL_MINILM_L6_V2_Q;
  private static final TokenCounter COUNTER = new LocalTokenCounterFactory(MODEL).create();
  private static final ChunkingOptions OPTIONS = new ChunkingOptions(MODEL.window(), 16);

  /** Real Markdown: the quickstart pages, and a sample of the tldr corpus beside the checkout. */
  static List<Path> documents() throws Exception {
    List<Path> out = new ArrayList<>();
    Path quickstart = Paths.get("..", "examples", "quickstart", "docs");
    try (Stream<Path> s = Files.list(quickstart)) {
      s.filter(p -> p.toString().endsWith(".md")).forEach(out::add);
    }
    Path tldr = Paths.get("..", "..", "shared", "corpus", "tldr", "common");
    if (Files.isDirectory(tldr)) {
      try (Stream<Path> s = Files.list(tldr)) {
        s.sorted().limit(300).forEach(out::add);
      }
    }
    assertTrue(out.size() >= 3, "no documents found");
    return out;
  }

  @Test
  void everyChunkOfRealMarkdownFitsTheWindowAndNothingIsLost() throws Exception {
    MarkdownChunker chunker = new MarkdownChunker(COUNTER, OPTIONS);
    int chunks = 0;
    for (Path doc : documents()) {
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      List<ChunkedText> pieces = chunker.chunk(text);
      for (ChunkedText c : pieces) {
        int real = COUNTER.countTokens(c.text());
        assertTrue(real <= MODEL.window(), doc + ": a chunk has " + real + " tokens");
        assertEquals(real, c.tokenCount(), doc + ": recorded token count");
        chunks++;
      }
      // Without overlap the chunks are exact pieces of the text: nothing but whitespace is lost.
      String joined =
          new MarkdownChunker(COUNTER, new ChunkingOptions(MODEL.window(), 0))
              .chunk(text).stream().map(ChunkedText::text).collect(Collectors.joining());
      assertEquals(text.replaceAll("\\s+", ""), joined.replaceAll("\\s+", ""), doc.toString());
    }
    assertTrue(chunks > 0);
  }

  @Test
  void countingFromOneEncodingPerDocumentGivesTheSameChunksAsCountingEverySpan() throws Exception {
    // The chunker counts whitespace-bounded spans from the document's token offsets; a counter
    // that cannot tell offsets makes it encode every span on its own. Same chunks either way.
    TokenCounter spanBySpan = COUNTER::countTokens;
    String adversarial =
        "Supercalifragilistic".repeat(300)
            + " 数据库索引可以加速查询。".repeat(80)
            + " émoji 🚀🚀🚀 ".repeat(60)
            + " a.b.c/d-e_f=g;h".repeat(200);
    List<String> texts = new ArrayList<>(List.of(adversarial));
    for (Path doc : documents()) {
      texts.add(Files.readString(doc, StandardCharsets.UTF_8));
    }
    for (String text : texts) {
      assertEquals(
          new MarkdownChunker(spanBySpan, OPTIONS).chunk(text),
          new MarkdownChunker(COUNTER, OPTIONS).chunk(text),
          text.substring(0, Math.min(60, text.length())));
      assertEquals(
          new TextChunker(spanBySpan, OPTIONS).chunk(text),
          new TextChunker(COUNTER, OPTIONS).chunk(text),
          text.substring(0, Math.min(60, text.length())));
    }
  }

  @Test
  void adversarialTextStillFits() {
    TextChunker chunker = new TextChunker(COUNTER, OPTIONS);
    String text =
        "Supercalifragilistic".repeat(300)
            + " 数据库索引可以加速查询。".repeat(80)
            + " émoji 🚀🚀🚀 ".repeat(60)
            + " a.b.c/d-e_f=g;h".repeat(200);
    List<ChunkedText> pieces = chunker.chunk(text);
    assertTrue(pieces.size() > 5);
    for (ChunkedText c : pieces) {
      assertTrue(COUNTER.countTokens(c.text()) <= MODEL.window(), c.tokenCount() + " tokens");
    }
  }
}
