package dev.qdrantloader.io.qdrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** QdrantIO.write against the embedded server, checked through the official client. */
@ExtendWith(TestPipelineExtension.class)
class QdrantIOWriteTest {
  private LocalQdrantServer server;
  private QdrantConnection connection;

  @BeforeEach
  void start() throws Exception {
    server = LocalQdrantServer.builder().port(0).start();
    connection = QdrantConnection.of(server.host(), server.port(), false, null);
  }

  @AfterEach
  void stop() {
    connection.closeClient();
    server.close();
  }

  static EmbeddedChunk embedded(String doc, int index, String text) {
    Chunk c =
        new Chunk(
            DocumentIds.documentId("proj", "localfile", "docs", doc),
            "proj",
            "localfile",
            "docs",
            doc,
            "file:///base/" + doc,
            "Title of " + doc,
            "text/markdown",
            index,
            3,
            text,
            List.of("Intro", "Details"),
            "content-hash",
            DocumentIds.sha256Hex(text),
            7,
            1_700_000_000_000L);
    return new EmbeddedChunk(c, new float[] {index + 1, 1, 0});
  }

  @Test
  void writesEveryChunkAsAPointWithTheLoadersPayload(TestPipeline pipeline) {
    QdrantCollections.create(connection.client(), "docs", 3);
    List<EmbeddedChunk> input = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      input.add(embedded("doc" + (i / 3) + ".md", i % 3, "chunk text " + i));
    }
    QdrantIO.WriteResult result =
        pipeline
            .apply(Create.of(input).withCoder(SerializableCoder.of(EmbeddedChunk.class)))
            .apply(
                QdrantIO.write()
                    .withConnection(connection)
                    .withCollection("docs")
                    .withMaxBatchSize(100)
                    .withIngestedAt("2026-11-22T00:00:00Z"));
    PAssert.that(result.written().apply(Count.globally())).containsInAnyOrder(700L);
    PAssert.that(result.failures()).empty();
    pipeline.run().waitUntilFinish();

    assertEquals(700L, (long) QdrantCollections.await(connection.client().countAsync("docs")));
    EmbeddedChunk first = input.get(0);
    RetrievedPoint p =
        QdrantCollections.await(
                connection
                    .client()
                    .retrieveAsync(
                        "docs",
                        List.of(PointIdFactory.id(UUID.fromString(first.chunk().pointId()))),
                        true,
                        false,
                        null))
            .get(0);
    Map<String, Value> payload = p.getPayloadMap();
    assertEquals(first.chunk().documentId(), payload.get("document_id").getStringValue());
    assertEquals("proj", payload.get("project_id").getStringValue());
    assertEquals("localfile", payload.get("source_type").getStringValue());
    assertEquals("docs", payload.get("source").getStringValue());
    assertEquals("doc0.md", payload.get("path").getStringValue());
    assertEquals("file:///base/doc0.md", payload.get("url").getStringValue());
    assertEquals("Title of doc0.md", payload.get("title").getStringValue());
    assertEquals("text/markdown", payload.get("mime_type").getStringValue());
    assertEquals("chunk text 0", payload.get("content").getStringValue());
    assertEquals(0, payload.get("chunk_index").getIntegerValue());
    assertEquals(3, payload.get("chunk_count").getIntegerValue());
    assertEquals("content-hash", payload.get("content_hash").getStringValue());
    assertEquals(first.chunk().chunkHash(), payload.get("chunk_hash").getStringValue());
    assertEquals(2, payload.get("heading_path").getListValue().getValuesCount());
    assertEquals("2023-11-14T22:13:20Z", payload.get("source_last_modified").getStringValue());
    assertEquals("2026-11-22T00:00:00Z", payload.get("ingested_at").getStringValue());
  }

  @Test
  void aBatchThatCannotBeWrittenIsReportedPerChunk(TestPipeline pipeline) {
    // no collection: every upsert fails with NOT_FOUND
    List<EmbeddedChunk> input = List.of(embedded("a.md", 0, "one"), embedded("b.md", 0, "two"));
    QdrantIO.WriteResult result =
        pipeline
            .apply(Create.of(input).withCoder(SerializableCoder.of(EmbeddedChunk.class)))
            .apply(
                QdrantIO.write()
                    .withConnection(connection)
                    .withCollection("missing")
                    .withMaxAttempts(1));
    PAssert.that(result.written()).empty();
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              List<String> paths =
                  StreamSupport.stream(failures.spliterator(), false)
                      .peek(
                          f ->
                              assertTrue(
                                  f.reason().contains("Collection `missing` doesn't exist"),
                                  f.reason()))
                      .map(f -> f.path())
                      .sorted()
                      .toList();
              assertEquals(List.of("a.md", "b.md"), paths);
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void anInvalidPointIsIsolatedAndItsNeighboursAreWritten(TestPipeline pipeline) {
    QdrantCollections.create(connection.client(), "docs", 3);
    List<EmbeddedChunk> input = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      input.add(embedded("doc" + i + ".md", 0, "text " + i));
    }
    EmbeddedChunk good = embedded("bad.md", 0, "wrong size");
    input.add(new EmbeddedChunk(good.chunk(), new float[] {1, 2, 3, 4, 5}));
    QdrantIO.WriteResult result =
        pipeline
            .apply(Create.of(input).withCoder(SerializableCoder.of(EmbeddedChunk.class)))
            .apply(QdrantIO.write().withConnection(connection).withCollection("docs"));
    PAssert.that(result.written().apply(Count.globally())).containsInAnyOrder(40L);
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              List<dev.qdrantloader.transforms.model.Failure> list = new ArrayList<>();
              failures.forEach(list::add);
              assertEquals(1, list.size(), list.toString());
              assertEquals("bad.md", list.get(0).path());
              assertTrue(
                  list.get(0).reason().contains("expected dim: 3, got 5"), list.get(0).reason());
              return null;
            });
    pipeline.run().waitUntilFinish();
    assertEquals(40L, (long) QdrantCollections.await(connection.client().countAsync("docs")));
  }

  @Test
  void aCollectionWithAnotherVectorSizeIsRefusedBeforeAnyWrite() {
    QdrantCollections.create(connection.client(), "docs", 8);
    QdrantCollections.CollectionMismatchException e =
        assertThrows(
            QdrantCollections.CollectionMismatchException.class,
            () -> QdrantCollections.ensure(connection.client(), "docs", 384, "all-minilm-l6-v2-q"));
    assertTrue(e.getMessage().contains("has vectors of size 8"), e.getMessage());
    assertTrue(e.getMessage().contains("produces 384"), e.getMessage());
    assertEquals(0L, (long) QdrantCollections.await(connection.client().countAsync("docs")));
  }

  @Test
  void transformsValidateTheirParameters() {
    assertThrows(IllegalArgumentException.class, () -> QdrantIO.write().withMaxBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> QdrantIO.write().withCollection(" "));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> QdrantConnection.fromUrl("ftp://x", null));
    assertTrue(e.getMessage().contains("ftp://x"));
    assertEquals(6334, QdrantConnection.fromUrl("http://localhost:6333", null).port());
    assertEquals(
        "http://q:1234 (api key set)", QdrantConnection.fromUrl("q:1234", "secret").toString());
  }
}
