package dev.qdrantloader.io.qdrant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.WrittenPoint;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-document commit against local mode: a completely written document loses its stale points
 * and gets its new entry; a partly written one loses only what this run added and keeps its entry.
 */
class CommitDocumentsTest {
  private static final String DOC = DocumentIds.documentId("p", "localfile", "docs", "a.md");
  private static final String OTHER = DocumentIds.documentId("p", "localfile", "docs", "b.md");

  private LocalQdrantServer server;
  private QdrantConnection connection;
  private QdrantClient client;

  @BeforeEach
  void start() throws Exception {
    server = LocalQdrantServer.builder().port(0).start();
    connection = QdrantConnection.of(server.host(), server.port(), false, null);
    client = connection.client();
    QdrantCollections.create(client, "kb", 3);
    QdrantManifest.ensure(client, "kb");
  }

  @AfterEach
  void stop() throws Exception {
    connection.closeClient();
    server.close();
  }

  private static ManifestEntry entry(String doc, String path, List<String> hashes) {
    return new ManifestEntry(
        doc, "p", "localfile", "docs", path, "hash-of-" + hashes, 10, 1, hashes, "before");
  }

  private static Chunk chunk(String doc, String path, int index, int count, String hash) {
    return new Chunk(
        doc,
        "p",
        "localfile",
        "docs",
        path,
        "file:///" + path,
        "t",
        "text/markdown",
        index,
        count,
        "text " + hash,
        List.of(),
        "c",
        hash,
        3,
        1);
  }

  private void upsert(List<Chunk> chunks) throws Exception {
    UpsertPoints.Builder req = UpsertPoints.newBuilder().setCollectionName("kb").setWait(true);
    for (Chunk c : chunks) {
      req.addPoints(PointPayloads.point(new EmbeddedChunk(c, new float[] {1, 0, 0}), "t0"));
    }
    client.upsertAsync(req.build()).get();
  }

  private Set<String> pointIds() throws Exception {
    Set<String> out = new TreeSet<>();
    for (RetrievedPoint p :
        client
            .scrollAsync(ScrollPoints.newBuilder().setCollectionName("kb").setLimit(1000).build())
            .get()
            .getResultList()) {
      out.add(p.getId().getUuid());
    }
    return out;
  }

  private void commit(List<WrittenPoint> written, ManifestEntry listed, ManifestEntry previous) {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    p.apply("Written", Create.of(written).withCoder(ModelCoders.writtenPoints()))
        .apply(
            CommitDocuments.of(
                connection,
                "kb",
                "now",
                p.apply("Listed", Create.of(listed).withCoder(ModelCoders.manifestEntries())),
                previous == null
                    ? p.apply("Previous", Create.empty(ModelCoders.manifestEntries()))
                    : p.apply(
                        "Previous", Create.of(previous).withCoder(ModelCoders.manifestEntries()))));
    p.run().waitUntilFinish();
  }

  @Test
  void aCompleteDocumentLosesItsStalePointsAndGetsItsEntry() throws Exception {
    ManifestEntry before = entry(DOC, "a.md", List.of("h0", "h1"));
    upsert(List.of(chunk(DOC, "a.md", 0, 2, "h0"), chunk(DOC, "a.md", 1, 2, "h1")));
    upsert(List.of(chunk(OTHER, "b.md", 0, 1, "o0")));
    QdrantManifest.write(client, "kb", List.of(before));

    // the new content: h0 stays at 0, h1 is gone, h2 and h3 are new
    List<Chunk> now =
        List.of(
            chunk(DOC, "a.md", 0, 3, "h0"),
            chunk(DOC, "a.md", 1, 3, "h2"),
            chunk(DOC, "a.md", 2, 3, "h3"));
    upsert(now);
    List<WrittenPoint> written = new ArrayList<>();
    for (Chunk c : now) {
      written.add(WrittenPoint.of(c));
    }
    commit(written, entry(DOC, "a.md", List.of()).withChunks(List.of(), ""), before);

    Set<String> expected = new TreeSet<>();
    for (Chunk c : now) {
      expected.add(c.pointId());
    }
    expected.add(chunk(OTHER, "b.md", 0, 1, "o0").pointId());
    assertEquals(expected, pointIds());
    ManifestEntry after = QdrantManifest.read(client, "kb", "p", "localfile", "docs").get(0);
    assertEquals(List.of("h0", "h2", "h3"), after.chunkHashes());
    assertEquals("now", after.ingestedAt());
  }

  @Test
  void aPartlyWrittenDocumentKeepsWhatItHadAndItsEntry() throws Exception {
    ManifestEntry before = entry(DOC, "a.md", List.of("h0", "h1"));
    List<Chunk> old = List.of(chunk(DOC, "a.md", 0, 2, "h0"), chunk(DOC, "a.md", 1, 2, "h1"));
    upsert(old);
    QdrantManifest.write(client, "kb", List.of(before));
    Set<String> beforeIds = pointIds();

    // three chunks now, but the one at index 1 failed to embed or write
    List<Chunk> landed = List.of(chunk(DOC, "a.md", 0, 3, "h0"), chunk(DOC, "a.md", 2, 3, "h9"));
    upsert(landed);
    commit(
        List.of(WrittenPoint.of(landed.get(0)), WrittenPoint.of(landed.get(1))),
        entry(DOC, "a.md", List.of()),
        before);

    assertEquals(beforeIds, pointIds());
    assertEquals(List.of(before), QdrantManifest.read(client, "kb", "p", "localfile", "docs"));
  }

  @Test
  void aPartlyWrittenNewDocumentLeavesNothingBehind() throws Exception {
    List<Chunk> landed = List.of(chunk(DOC, "a.md", 1, 2, "h1"));
    upsert(landed);
    commit(List.of(WrittenPoint.of(landed.get(0))), entry(DOC, "a.md", List.of()), null);
    assertEquals(Set.of(), pointIds());
    assertEquals(List.of(), QdrantManifest.read(client, "kb", "p", "localfile", "docs"));
  }
}
