package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.qdrantloader.transforms.chunk.ChunkedText;
import dev.qdrantloader.transforms.chunk.Chunker;
import dev.qdrantloader.transforms.chunk.ChunkingOptions;
import dev.qdrantloader.transforms.chunk.MarkdownChunker;
import dev.qdrantloader.transforms.chunk.TextChunker;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Counting as OpenAI's embedding models count, and chunks cut with it fitting the limit. */
class OpenAiTokenCounterFactoryTest {
  private static final TokenCounter SMALL =
      new OpenAiTokenCounterFactory("text-embedding-3-small").create();

  /** An independent reference: the cl100k_base encoding from a registry of its own. */
  private static final Encoding CL100K =
      Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  @Test
  void countsKnownStringsInCl100k() {
    // cl100k_base: "hello" = 15339, " world" = 1917.
    assertEquals(List.of(15339, 1917), ids("hello world"));
    assertEquals(2, SMALL.countTokens("hello world"));
    assertEquals(0, SMALL.countTokens(""));
    assertEquals(1, SMALL.countTokens("hello"));
    for (String text :
        List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Zeigt Informationen über den Speicher an: naïve café 😀",
            "tar -xzf archive.tar.gz -C /tmp/target\n\n    return x;",
            "<|endoftext|> is plain text here")) {
      assertEquals(CL100K.encodeOrdinary(text).size(), SMALL.countTokens(text), text);
    }
  }

  @Test
  void specialTokenTextIsCountedAsOrdinaryText() {
    // Not the single special token 100257, and no exception as Encoding.encode would throw.
    assertTrue(SMALL.countTokens("<|endoftext|>") > 1);
  }

  @Test
  void knownEmbeddingModelsUseCl100k() {
    for (String model :
        List.of("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002")) {
      OpenAiTokenCounterFactory factory = new OpenAiTokenCounterFactory(model);
      assertTrue(factory.knowsModel(), model);
      assertEquals("cl100k_base", factory.encodingName(), model);
    }
  }

  @Test
  void unknownModelFallsBackToCl100k() {
    OpenAiTokenCounterFactory factory = new OpenAiTokenCounterFactory("nomic-embed-text:v1.5");
    assertFalse(factory.knowsModel());
    assertEquals("cl100k_base", factory.encodingName());
    TokenCounter counter = factory.create();
    String text = "Unknown models are estimated with cl100k_base.";
    assertEquals(CL100K.encodeOrdinary(text).size(), counter.countTokens(text));
  }

  @Test
  void tellsNoTokenOffsetsBecauseBpeTokensCrossWhitespace() {
    assertNull(SMALL.tokenOffsets("hello world"));
    // Why: in "see independently" the word is one token, " independently", which starts on the
    // space; the word alone, as a chunk would start with it, is three. Offsets would under-count.
    assertEquals(2, SMALL.countTokens("see independently"));
    assertEquals(1, SMALL.countTokens(" independently"));
    assertEquals(3, SMALL.countTokens("independently"));
  }

  @Test
  void rejectsABlankModelName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new OpenAiTokenCounterFactory(" "));
    assertTrue(e.getMessage().contains("model"), e.getMessage());
  }

  @Test
  void factorySurvivesSerialization() throws Exception {
    OpenAiTokenCounterFactory factory = new OpenAiTokenCounterFactory("text-embedding-3-large");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(factory);
    }
    Object copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = in.readObject();
    }
    assertEquals(factory, copy);
    assertEquals(2, ((OpenAiTokenCounterFactory) copy).create().countTokens("hello world"));
  }

  @Test
  void countsConsistentlyFromManyThreads() throws Exception {
    List<String> texts = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 64; i++) {
      texts.add(prose(random, 200 + random.nextInt(2_000)));
    }
    List<Integer> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(CL100K.encodeOrdinary(t).size());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        // Each thread makes its own counter from a factory, as DoFns do, and shares the registry.
        OpenAiTokenCounterFactory factory = new OpenAiTokenCounterFactory("text-embedding-3-small");
        results.add(
            pool.submit(
                () -> {
                  TokenCounter counter = factory.create();
                  for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < texts.size(); i++) {
                      if (counter.countTokens(texts.get(i)) != expected.get(i)) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertTrue(result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void chunksOfALongTextFitTheLimitWhenRecountedWhole() {
    String text = longDocument(new Random(42), 50_000);
    for (int maxTokens : new int[] {64, 512}) {
      ChunkingOptions options = new ChunkingOptions(maxTokens, maxTokens / 8);
      assertAllFit(new TextChunker(SMALL, options), text, maxTokens);
      assertAllFit(new MarkdownChunker(SMALL, options), text, maxTokens);
    }
  }

  @Test
  void chunkingALongTextCountsEachCharacterOnlyAFewTimes() {
    // Without token offsets every span is encoded on its own; the work must stay near-linear.
    String text = longDocument(new Random(3), 50_000);
    AtomicLong charsCounted = new AtomicLong();
    TokenCounter measuring =
        t -> {
          charsCounted.addAndGet(t.length());
          return SMALL.countTokens(t);
        };
    new TextChunker(measuring, new ChunkingOptions(512, 64)).chunk(text);
    long text1 = charsCounted.getAndSet(0);
    new MarkdownChunker(measuring, new ChunkingOptions(512, 64)).chunk(text);
    long markdown = charsCounted.get();
    assertTrue(text1 < 12L * text.length(), "TextChunker counted " + text1 + " characters");
    assertTrue(
        markdown < 12L * text.length(), "MarkdownChunker counted " + markdown + " characters");
  }

  @Test
  void aLongRunWithoutSpacesIsCutToFitWithoutQuadraticCounting() {
    // Minified code or an inline blob: one 50 KB pre-token that is cut by characters.
    String blob = base64Run(new Random(5), 50_000);
    AtomicLong charsCounted = new AtomicLong();
    TokenCounter measuring =
        t -> {
          charsCounted.addAndGet(t.length());
          return SMALL.countTokens(t);
        };
    assertAllFit(new TextChunker(measuring, new ChunkingOptions(512, 64)), blob, 512);
    assertTrue(charsCounted.get() < 12L * blob.length(), "counted " + charsCounted + " characters");
  }

  private static void assertAllFit(Chunker chunker, String text, int maxTokens) {
    List<ChunkedText> chunks = chunker.chunk(text);
    assertTrue(chunks.size() > 1);
    for (ChunkedText chunk : chunks) {
      int whole = CL100K.encodeOrdinary(chunk.text()).size();
      assertTrue(whole <= maxTokens, whole + " tokens > " + maxTokens + ": " + chunk.text());
      assertEquals(whole, chunk.tokenCount(), "the chunk's recorded count is its exact count");
    }
  }

  private static List<Integer> ids(String text) {
    return CL100K.encodeOrdinary(text).boxed();
  }

  private static final String[] WORDS = {
    "the",
    "embedding",
    "vector",
    "über",
    "naïve",
    "café",
    "Qdrant",
    "pipeline",
    "(chunk)",
    "a",
    "token's",
    "x=42;",
    "2024-07-19",
    "résumé",
    "日本語",
    "😀",
    "don't",
    "--flag",
    "path/to/file",
    "\"quoted\"",
    "it's",
    "HTTP/1.1",
    "3.14159",
    "re-run",
    "…"
  };

  private static String prose(Random random, int chars) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      int words = 3 + random.nextInt(25);
      for (int w = 0; w < words; w++) {
        sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(9) == 0 ? "  " : " ");
      }
      sb.setLength(sb.length() - 1);
      sb.append(random.nextBoolean() ? ". " : ".\n");
    }
    return sb.toString();
  }

  /** Markdown with headings, paragraphs, fenced code, lists and runs without spaces. */
  private static String longDocument(Random random, int chars) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      switch (random.nextInt(6)) {
        case 0 ->
            sb.append("#".repeat(1 + random.nextInt(3))).append(" Section ").append(sb.length());
        case 1 -> {
          sb.append("```java\n");
          for (int i = 0; i < 5 + random.nextInt(40); i++) {
            sb.append("    int v")
                .append(i)
                .append(" = compute(\"")
                .append(i * 31)
                .append("\");\n");
          }
          sb.append("```");
        }
        case 2 -> {
          for (int i = 0; i < 2 + random.nextInt(8); i++) {
            sb.append("- ").append(prose(random, 40).strip()).append('\n');
          }
        }
        case 3 -> {
          // A long run without spaces, cut by characters.
          sb.append(base64Run(random, 500 + random.nextInt(3_000)));
        }
        default -> sb.append(prose(random, 200 + random.nextInt(3_000)));
      }
      sb.append("\n\n");
    }
    return sb.toString();
  }

  private static String base64Run(Random random, int chars) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder run = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      run.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return run.toString();
  }
}
