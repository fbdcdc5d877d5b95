package dev.qdrantloader.transforms.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(TestPipelineExtension.class)
class EmbedChunksTest {

  /** A deterministic embedder: 4-d vectors from the text; refuses the text "boom". */
  static final class FakeEmbedderFactory implements EmbedderFactory {
    @Override
    public Embedder create() {
      return new Embedder() {
        @Override
        public List<float[]> embed(List<String> texts) {
          LARGEST_BATCH.accumulateAndGet(texts.size(), Math::max);
          List<float[]> out = new ArrayList<>();
          for (String t : texts) {
            if (t.equals("boom")) {
              throw new IllegalArgumentException("input rejected by the provider");
            }
            out.add(new float[] {t.length(), t.hashCode() % 7, 1, 0});
          }
          return out;
        }

        @Override
        public int dimension() {
          return 4;
        }

        @Override
        public int maxInputTokens() {
          return 10;
        }
      };
    }

    @Override
    public String describe() {
      return "fake";
    }
  }

  static Chunk chunk(String doc, int index, String text, int tokens) {
    return new Chunk(
        DocumentIds.documentId("p", "localfile", "s", doc),
        "p",
        "localfile",
        "s",
        doc,
        "file:///" + doc,
        doc,
        "text/plain",
        index,
        1,
        text,
        List.of(),
        "hash",
        DocumentIds.sha256Hex(text),
        tokens,
        0);
  }

  /** The largest batch any fake embedder was called with. */
  static final AtomicInteger LARGEST_BATCH = new AtomicInteger();

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void everyChunkIsEmbeddedOrReportedAndOverWindowChunksAreRefusedNotTruncated(
      EmbedChunks.Batching batching, TestPipeline pipeline) {
    LARGEST_BATCH.set(0);
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      chunks.add(chunk("doc" + i + ".md", 0, "text number " + i, 5));
    }
    chunks.add(chunk("bad.md", 0, "boom", 3));
    chunks.add(chunk("long.md", 0, "far too long", 11));
    PCollection<Chunk> input =
        pipeline.apply(Create.of(chunks).withCoder(SerializableCoder.of(Chunk.class)));

    EmbedChunks.Result result =
        input.apply(
            EmbedChunks.with(new FakeEmbedderFactory())
                .withBatchSize(8)
                .withShards(3)
                .withBatching(batching));

    PAssert.that(result.embedded())
        .satisfies(
            embedded -> {
              List<String> docs =
                  StreamSupport.stream(embedded.spliterator(), false)
                      .map(e -> e.chunk().path())
                      .sorted()
                      .collect(Collectors.toList());
              assertEquals(50, docs.size());
              for (EmbeddedChunk e : embedded) {
                assertEquals(e.chunk().text().length(), e.vector()[0], 0f);
              }
              return null;
            });
    PAssert.that(result.failures())
        .containsInAnyOrder(
            new Failure(
                "embed", "p", "s", "bad.md", "embedding failed: input rejected by the provider"),
            new Failure(
                "embed",
                "p",
                "s",
                "long.md",
                "chunk 0 has 11 tokens, over the model's window of 10 (it would be truncated)"));
    pipeline.run().waitUntilFinish();
    assertTrue(LARGEST_BATCH.get() <= 8, "a batch of " + LARGEST_BATCH.get() + " inputs");
    assertTrue(LARGEST_BATCH.get() > 1, "inputs were batched");
  }
}
