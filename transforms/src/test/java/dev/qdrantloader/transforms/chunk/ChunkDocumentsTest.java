package dev.qdrantloader.transforms.chunk;

import static dev.qdrantloader.transforms.chunk.TextChunkerTest.sentence;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.Document;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class ChunkDocumentsTest {
  private static final ChunkingOptions OPTIONS = new ChunkingOptions(24, 0);

  private static Document document(String path, String format, String text) {
    return new Document(
        DocumentIds.documentId("proj", "localfile", "docs", path),
        "project",
        "localfile",
        "docs",
        path,
        "file:///docs/" + path,
        path,
        "text/markdown",
        format,
        text,
        DocumentIds.sha256Hex(text),
        1_700_000_000_000L);
  }

  private static PCollection<Document> create(TestPipeline pipeline, Document... documents) {
    return pipeline.apply(
        Create.of(List.of(documents)).withCoder(SerializableCoder.of(Document.class)));
  }

  private static String describe(Chunk chunk) {
    return chunk.path()
        + " "
        + chunk.chunkIndex()
        + "/"
        + chunk.chunkCount()
        + " "
        + chunk.headingPath();
  }

  @Test
  void markdownDocumentBecomesIndexedChunksWithHeadingPaths(TestPipeline pipeline) {
    // Each part fits 24 tokens alone but no two fit together.
    String markdown =
        "Intro: "
            + sentence("i", 10)
            + "\n\n# Install\n\n"
            + sentence("a", 10)
            + "\n\n## On Linux\n\n"
            + sentence("b", 10);

    ChunkDocuments.Result result =
        create(pipeline, document("guide.md", Document.FORMAT_MARKDOWN, markdown))
            .apply(ChunkDocuments.with(new FakeTokenCounter.Factory(), OPTIONS));

    PAssert.that(
            result
                .chunks()
                .apply(MapElements.into(TypeDescriptors.strings()).via(c -> describe(c))))
        .containsInAnyOrder(
            "guide.md 0/3 []", "guide.md 1/3 [Install]", "guide.md 2/3 [Install, On Linux]");
    PAssert.that(result.chunks())
        .satisfies(
            chunks -> {
              FakeTokenCounter counter = new FakeTokenCounter();
              for (Chunk chunk : chunks) {
                assertEquals(DocumentIds.sha256Hex(chunk.text()), chunk.chunkHash());
                assertEquals(counter.countTokens(chunk.text()), chunk.tokenCount());
                assertEquals(DocumentIds.sha256Hex(markdown), chunk.contentHash());
                assertEquals(
                    DocumentIds.documentId("proj", "localfile", "docs", "guide.md"),
                    chunk.documentId());
              }
              return null;
            });
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  void plainTextIsNotSplitAtHashLines(TestPipeline pipeline) {
    String text = "# not a heading in plain text\n\n" + sentence("a", 14);

    ChunkDocuments.Result result =
        create(pipeline, document("notes.txt", Document.FORMAT_TEXT, text))
            .apply(ChunkDocuments.with(new FakeTokenCounter.Factory(), OPTIONS));

    PAssert.that(
            result
                .chunks()
                .apply(MapElements.into(TypeDescriptors.strings()).via(c -> describe(c))))
        .containsInAnyOrder("notes.txt 0/2 []", "notes.txt 1/2 []");
    pipeline.run().waitUntilFinish();
  }

  @Test
  void blankDocumentBecomesOneFailureAndNoChunks(TestPipeline pipeline) {
    ChunkDocuments.Result result =
        create(pipeline, document("empty.md", Document.FORMAT_MARKDOWN, " \n\n\t"))
            .apply(ChunkDocuments.with(new FakeTokenCounter.Factory(), OPTIONS));

    PAssert.that(result.chunks()).empty();
    PAssert.that(result.failures())
        .containsInAnyOrder(
            new Failure("chunk", "project", "docs", "empty.md", ChunkDocuments.NO_TEXT));
    pipeline.run().waitUntilFinish();
  }

  @Test
  void chunkingErrorBecomesAFailureWhileOtherDocumentsAreChunked(TestPipeline pipeline) {
    ChunkDocuments.Result result =
        create(
                pipeline,
                document("bad.txt", Document.FORMAT_TEXT, "fine words then EXPLODE here"),
                document("good.txt", Document.FORMAT_TEXT, "fine words"))
            .apply(ChunkDocuments.with(new ExplodingFactory(), OPTIONS));

    PAssert.that(
            result
                .chunks()
                .apply(MapElements.into(TypeDescriptors.strings()).via(c -> describe(c))))
        .containsInAnyOrder("good.txt 0/1 []");
    PAssert.that(result.failures())
        .containsInAnyOrder(
            new Failure(
                "chunk",
                "project",
                "docs",
                "bad.txt",
                "chunking failed: IllegalStateException: tokenizer exploded"));
    pipeline.run().waitUntilFinish();
  }

  /** Counts like {@link FakeTokenCounter} but throws on any text containing "EXPLODE". */
  private static final class ExplodingFactory implements TokenCounterFactory {
    @Override
    public TokenCounter create() {
      FakeTokenCounter counter = new FakeTokenCounter();
      return text -> {
        if (text.contains("EXPLODE")) {
          throw new IllegalStateException("tokenizer exploded");
        }
        return counter.countTokens(text);
      };
    }
  }
}
