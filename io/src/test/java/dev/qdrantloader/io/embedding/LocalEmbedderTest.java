package dev.qdrantloader.io.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import dev.qdrantloader.transforms.embed.Embedder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped MiniLM model: what it embeds, and that counting sees what the encoder would cut. */
class LocalEmbedderTest {
  private static final Embedder EMBEDDER =
      new LocalEmbedderFactory(LocalModel.ALL_MINILM_L6_V2_Q).create();
  private static final TokenCounter COUNTER =
      new LocalTokenCounterFactory(LocalModel.ALL_MINILM_L6_V2_Q).create();

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void embedsIntoNormalisedVectorsThatRankRelatedTextsCloser() {
    List<float[]> v =
        EMBEDDER.embed(
            List.of(
                "How do I copy files between directories with cp?",
                "Use cp to copy a file into another folder.",
                "The recipe needs two eggs and a cup of flour."));
    assertEquals(3, v.size());
    assertEquals(384, v.get(0).length);
    assertEquals(1.0, Math.sqrt(cosine(v.get(0), v.get(0)) * 1.0), 1e-6);
    assertTrue(cosine(v.get(0), v.get(1)) > cosine(v.get(0), v.get(2)) + 0.2);
    assertArrayEquals(
        v.get(0),
        EMBEDDER.embed(List.of("How do I copy files between directories with cp?")).get(0),
        1e-6f);
  }

  @Test
  void vectorsMatchTheModelAsLangChain4jShipsIt() {
    // Our encoder runs the same ONNX model directly; it must give the vectors the reference
    // implementation gives (mean pooling over every token, normalised).
    var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
    for (String text :
        List.of(
            "How do I copy files between directories with cp?",
            "tar -xzf archive.tar.gz -C /tmp/target",
            "Zeigt Informationen über den Speicher an: naïve café 😀")) {
      float[] ours = EMBEDDER.embed(List.of(text)).get(0);
      float[] theirs = reference.embed(text).content().vector();
      assertTrue(cosine(ours, theirs) > 0.99999, text + ": cosine " + cosine(ours, theirs));
    }
  }

  @Test
  void tokenOffsetsCountTheSameAsCountingEachSpan() {
    String text = "Zeigt naïve café 😀 emoji, then `tar -xzf file.tar.gz` and more words.";
    int[] offsets = COUNTER.tokenOffsets(text);
    assertEquals(COUNTER.countTokens(text) - 2, offsets.length / 2);
    for (int i = 0; i < offsets.length; i += 2) {
      String token = text.substring(offsets[i], offsets[i + 1]);
      assertTrue(!token.isBlank() && token.equals(token.strip()), "token " + i / 2 + ": " + token);
    }
    // the emoji is one code point but two UTF-16 units: offsets must index the Java string
    int emoji = text.indexOf("😀");
    boolean found = false;
    for (int i = 0; i < offsets.length; i += 2) {
      found |= offsets[i] == emoji && offsets[i + 1] == emoji + 2;
    }
    assertTrue(found, "a token spans exactly the emoji's two UTF-16 units");
  }

  @Test
  void countingIsNotTruncatedAndIncludesSpecialTokens() {
    assertEquals(2, COUNTER.countTokens(""));
    assertEquals(3, COUNTER.countTokens("hello"));
    String longText = "word ".repeat(480);
    assertEquals(482, COUNTER.countTokens(longText));
  }

  @Test
  void theEncoderCutsInputsAtItsWindowWhichIsWhyChunksMustFitIt() {
    // Two texts that share their first 126 word tokens but differ after: the encoder sees only the
    // first 128 tokens, so their embeddings are identical. Chunks are kept within the window (and
    // EmbedChunks refuses longer ones) so this never happens to real content.
    String head = "alpha ".repeat(126);
    float[] a =
        EMBEDDER.embed(List.of(head + "completely different ending about volcanoes")).get(0);
    float[] b = EMBEDDER.embed(List.of(head + "another tail about the stock market")).get(0);
    assertArrayEquals(a, b, 1e-6f);
    assertEquals(128, EMBEDDER.maxInputTokens());
    assertTrue(COUNTER.countTokens(head + "completely different ending about volcanoes") > 128);
  }
}
