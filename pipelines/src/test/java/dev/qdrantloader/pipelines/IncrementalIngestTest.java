package dev.qdrantloader.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental ingestion through the whole pipeline (real tokenizer and model, the official client
 * against local mode), counted through Beam metrics: what a re-run converts, embeds, reuses,
 * upserts and removes after each kind of change at the source.
 */
class IncrementalIngestTest {
  private static final String CONFIG =
      "global:\n"
          + "  qdrant:\n"
          + "    collection_name: inc\n"
          + "projects:\n"
          + "  alpha:\n"
          + "    sources:\n"
          + "      localfile:\n"
          + "        notes:\n"
          + "          base_url: notes\n"
          + "        wiki:\n"
          + "          base_url: wiki\n"
          + "  beta:\n"
          + "    sources:\n"
          + "      localfile:\n"
          + "        notes:\n"
          + "          base_url: beta-notes\n";

  @TempDir Path ws;
  private LocalQdrantServer server;
  private QdrantConnection connection;
  private QdrantClient client;
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    Files.writeString(ws.resolve(WorkspaceConfig.CONFIG_FILE), CONFIG);
    server = LocalQdrantServer.builder().port(0).dataDir(ws.resolve("qdrant")).start();
    connection = QdrantConnection.of(server.host(), server.port(), false, null);
    client = connection.client();
    write("notes/guide.md", sections("guide", 4));
    write("notes/faq.md", sections("faq", 2));
    write("wiki/setup.md", sections("setup", 3));
    write("beta-notes/plan.md", sections("plan", 2));
  }

  @AfterEach
  void stop() throws Exception {
    connection.closeClient();
    server.close();
  }

  /** A Markdown page of {@code n} headed sections, each its own chunk. */
  private static String sections(String topic, int n) {
    StringBuilder b = new StringBuilder("# " + topic + "\n\n");
    for (int i = 0; i < n; i++) {
      b.append("## ").append(topic).append(" part ").append(i).append("\n\n");
      b.append(paragraph(topic + " " + i)).append("\n\n");
    }
    return b.toString();
  }

  private static String paragraph(String seed) {
    return "The "
        + seed
        + " section explains how the loader keeps a collection in step with its sources:"
        + " it lists files, compares their bytes with what the manifest recorded, and only"
        + " converts, chunks and embeds what changed. Vanished files lose their points, and"
        + " a renamed file keeps its vectors under its new name, so a daily run over a"
        + " large and mostly stable corpus costs little more than listing it.";
  }

  private void write(String relative, String text) throws IOException {
    Path p = ws.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /**
   * One ingest run as the CLI does it (optionally filtered); returns its committed counters (the
   * DirectRunner applies attempted values asynchronously, so they can lag behind the finished run).
   */
  private Map<String, Long> ingest(String project, String source, boolean force, boolean sweep) {
    IngestionConfig config = WorkspaceConfig.load(ws, Map.of()).withOnly(project, null, source);
    EmbeddingPlan embedding = EmbeddingPlan.of(config);
    QdrantCollections.ensure(client, "inc", embedding.vectorSize(), embedding.id());
    QdrantManifest.ensure(client, "inc");
    String at =
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(runs.incrementAndGet()).toString();
    IngestionJob job =
        IngestionJobs.plan(config, connection, at, ws.resolve("failures-" + runs.get()).toString())
            .job()
            .withIncremental(force, sweep);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    IngestionPipeline.buildPipeline(pipeline, job);
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    Map<String, Long> counters = new HashMap<>();
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
      String ns = c.getName().getNamespace();
      counters.merge(
          ns.substring(ns.lastIndexOf('.') + 1) + "." + c.getName().getName(),
          c.getCommitted(),
          Long::sum);
    }
    return counters;
  }

  private Map<String, Long> ingest() {
    return ingest(null, null, false, false);
  }

  private static long get(Map<String, Long> counters, String key) {
    return counters.getOrDefault(key, 0L);
  }

  /** Every point by id: payload (with ingested_at) and vector. */
  private Map<String, RetrievedPoint> points() throws Exception {
    Map<String, RetrievedPoint> out = new TreeMap<>();
    for (RetrievedPoint p :
        client
            .scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName("inc")
                    .setLimit(10_000)
                    .setWithVectors(io.qdrant.client.WithVectorsSelectorFactory.enable(true))
                    .build())
            .get()
            .getResultList()) {
      out.put(p.getId().getUuid(), p);
    }
    return out;
  }

  private static String payload(RetrievedPoint p, String key) {
    Value v = p.getPayloadMap().get(key);
    return v == null ? null : v.hasStringValue() ? v.getStringValue() : v.toString();
  }

  private Map<String, List<RetrievedPoint>> byPath() throws Exception {
    Map<String, List<RetrievedPoint>> out = new TreeMap<>();
    for (RetrievedPoint p : points().values()) {
      out.computeIfAbsent(
              payload(p, PointPayloads.PROJECT_ID)
                  + "/"
                  + payload(p, PointPayloads.SOURCE)
                  + "/"
                  + payload(p, PointPayloads.PATH),
              k -> new ArrayList<>())
          .add(p);
    }
    return out;
  }

  private static float[] vector(RetrievedPoint p) {
    List<Float> data = p.getVectors().getVector().getDense().getDataList();
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i);
    }
    return out;
  }

  private List<ManifestEntry> manifest(String project, String source) {
    return QdrantManifest.read(client, "inc", project, "localfile", source);
  }

  private static String id(String project, String source, String path) {
    return DocumentIds.documentId(project, "localfile", source, path);
  }

  @Test
  void aColdRunWritesEverythingAndRecordsEachDocument() throws Exception {
    Map<String, Long> c = ingest();
    assertEquals(4, get(c, "DiffDocuments.documents_new"));
    assertEquals(4, get(c, "ConvertDocuments.documents_converted"));
    assertEquals(11, get(c, "EmbedChunks.embeddings_computed"));
    assertEquals(11, get(c, "QdrantIO.points_upserted"));
    assertEquals(4, get(c, "CommitDocuments.documents_committed"));
    assertEquals(11, points().size());
    ManifestEntry guide =
        manifest("alpha", "notes").stream()
            .filter(e -> e.path().equals("guide.md"))
            .findFirst()
            .orElseThrow();
    assertEquals(4, guide.chunkHashes().size());
    assertEquals(
        DocumentIds.sha256Hex(Files.readAllBytes(ws.resolve("notes/guide.md"))),
        guide.contentHash());
    assertEquals(Files.size(ws.resolve("notes/guide.md")), guide.sizeBytes());
    assertEquals(
        Files.getLastModifiedTime(ws.resolve("notes/guide.md")).toMillis(),
        guide.lastModifiedMillis());
  }

  @Test
  void anUnchangedReRunConvertsEmbedsAndUpsertsNothing() throws Exception {
    ingest();
    Map<String, RetrievedPoint> before = points();
    Map<String, Long> c = ingest();
    assertEquals(4, get(c, "DiffDocuments.documents_unchanged"));
    assertEquals(0, get(c, "ConvertDocuments.documents_converted"));
    assertEquals(0, get(c, "EmbedChunks.embedding_calls"));
    assertEquals(0, get(c, "EmbedChunks.embeddings_computed"));
    assertEquals(0, get(c, "QdrantIO.points_upserted"));
    assertEquals(0, get(c, "CommitDocuments.documents_committed"));
    // not even the ingested_at of a point moved
    assertEquals(before, points());
  }

  @Test
  void editingOneParagraphEmbedsOnlyThatChunk() throws Exception {
    ingest();
    Map<String, RetrievedPoint> before = points();
    String guide = Files.readString(ws.resolve("notes/guide.md"));
    String edited = guide.replace(paragraph("guide 2"), paragraph("guide 2") + " Edited today.");
    assertFalse(guide.equals(edited));
    write("notes/guide.md", edited);

    Map<String, Long> c = ingest();
    assertEquals(1, get(c, "DiffDocuments.documents_changed"));
    assertEquals(3, get(c, "DiffDocuments.documents_unchanged"));
    assertEquals(1, get(c, "ConvertDocuments.documents_converted"));
    assertEquals(1, get(c, "EmbedChunks.embeddings_computed"));
    assertEquals(3, get(c, "ReuseVectors.embeddings_reused"));
    assertEquals(1, get(c, "CommitDocuments.points_removed"));

    List<RetrievedPoint> points = byPath().get("alpha/notes/guide.md");
    assertEquals(4, points.size());
    assertEquals(11, points().size());
    for (RetrievedPoint p : points) {
      RetrievedPoint old = before.get(p.getId().getUuid());
      if (payload(p, PointPayloads.CONTENT).contains("Edited today.")) {
        assertEquals(null, old, "the edited chunk is a new point");
      } else {
        // same text at the same position: same id, and the very same vector
        assertArrayEquals(vector(old), vector(p));
      }
    }
    // the other documents were not touched at all
    for (RetrievedPoint p : points().values()) {
      if (!payload(p, PointPayloads.PATH).equals("guide.md")) {
        assertEquals(before.get(p.getId().getUuid()), p);
      }
    }
  }

  @Test
  void deletingAFileRemovesItsPointsAndItsEntry() throws Exception {
    ingest();
    Files.delete(ws.resolve("wiki/setup.md"));
    Map<String, Long> c = ingest();
    assertEquals(1, get(c, "DiffDocuments.documents_deleted"));
    assertEquals(1, get(c, "DeleteDocuments.documents_removed"));
    assertEquals(3, get(c, "DeleteDocuments.points_removed"));
    assertFalse(byPath().containsKey("alpha/wiki/setup.md"));
    assertEquals(8, points().size());
    assertTrue(manifest("alpha", "wiki").isEmpty());
  }

  @Test
  void shrinkingAFileLeavesNoStaleChunk() throws Exception {
    ingest();
    write("notes/guide.md", sections("guide", 1));
    Map<String, Long> c = ingest();
    assertEquals(1, get(c, "DiffDocuments.documents_changed"));
    List<RetrievedPoint> guide = byPath().get("alpha/notes/guide.md");
    assertEquals(1, guide.size());
    assertEquals("1", payload(guide.get(0), PointPayloads.CHUNK_COUNT).replaceAll("\\D", ""));
    assertEquals(8, points().size());
    assertEquals(3, get(c, "CommitDocuments.points_removed"));
    ManifestEntry entry =
        manifest("alpha", "notes").stream()
            .filter(e -> e.path().equals("guide.md"))
            .findFirst()
            .orElseThrow();
    assertEquals(1, entry.chunkHashes().size());
  }

  @Test
  void renamingAFileMovesItsPointsWithoutEmbedding() throws Exception {
    ingest();
    List<RetrievedPoint> old = byPath().get("alpha/notes/faq.md");
    Files.move(ws.resolve("notes/faq.md"), ws.resolve("notes/questions.md"));
    Map<String, Long> c = ingest();
    assertEquals(1, get(c, "DiffDocuments.documents_new"));
    assertEquals(1, get(c, "DiffDocuments.documents_deleted"));
    assertEquals(1, get(c, "DiffDocuments.documents_moved"));
    assertEquals(0, get(c, "EmbedChunks.embeddings_computed"));
    assertEquals(2, get(c, "ReuseVectors.embeddings_reused"));
    Map<String, List<RetrievedPoint>> now = byPath();
    assertFalse(now.containsKey("alpha/notes/faq.md"));
    List<RetrievedPoint> moved = now.get("alpha/notes/questions.md");
    assertEquals(2, moved.size());
    for (RetrievedPoint p : moved) {
      assertEquals(id("alpha", "notes", "questions.md"), payload(p, PointPayloads.DOCUMENT_ID));
    }
    assertEquals(11, points().size());
    List<String> paths =
        manifest("alpha", "notes").stream().map(ManifestEntry::path).sorted().toList();
    assertEquals(List.of("guide.md", "questions.md"), paths);
    assertEquals(old.size(), moved.size());
  }

  @Test
  void aFilteredRunDeletesNothingOutsideItsFilter() throws Exception {
    ingest();
    Files.delete(ws.resolve("notes/faq.md"));
    Files.delete(ws.resolve("wiki/setup.md"));
    Files.delete(ws.resolve("beta-notes/plan.md"));

    Map<String, Long> c = ingest("alpha", "notes", false, false);
    assertEquals(1, get(c, "DiffDocuments.documents_deleted"));
    Map<String, List<RetrievedPoint>> now = byPath();
    assertFalse(now.containsKey("alpha/notes/faq.md"));
    assertTrue(now.containsKey("alpha/wiki/setup.md"), "another source of the project");
    assertTrue(now.containsKey("beta/notes/plan.md"), "a source of the same name elsewhere");
    assertEquals(1, manifest("alpha", "wiki").size());
    assertEquals(1, manifest("beta", "notes").size());

    // even a forced, sweeping run within the filter leaves the rest alone
    ingest("alpha", "notes", true, true);
    assertTrue(byPath().containsKey("beta/notes/plan.md"));

    ingest();
    now = byPath();
    assertFalse(now.containsKey("alpha/wiki/setup.md"));
    assertFalse(now.containsKey("beta/notes/plan.md"));
    assertEquals(List.of("alpha/notes/guide.md"), new ArrayList<>(now.keySet()));
  }

  @Test
  void forceRewritesEverythingAndTheSweepRemovesOrphans() throws Exception {
    ingest();
    // a point no manifest entry accounts for, as an interrupted run whose file then vanished
    // would leave behind
    String orphanDoc = id("alpha", "notes", "gone.md");
    client
        .upsertAsync(
            UpsertPoints.newBuilder()
                .setCollectionName("inc")
                .setWait(true)
                .addPoints(
                    PointStruct.newBuilder()
                        .setId(
                            PointIdFactory.id(
                                UUID.fromString(DocumentIds.pointId(orphanDoc, 0, "x"))))
                        .setVectors(
                            Vectors.newBuilder()
                                .setVector(
                                    io.qdrant.client.grpc.Points.Vector.newBuilder()
                                        .setDense(
                                            io.qdrant.client.grpc.Points.DenseVector.newBuilder()
                                                .addAllData(
                                                    java.util.Collections.nCopies(384, 0.05f)))))
                        .putPayload(PointPayloads.DOCUMENT_ID, ValueFactory.value(orphanDoc))
                        .putPayload(PointPayloads.PROJECT_ID, ValueFactory.value("alpha"))
                        .putPayload(PointPayloads.SOURCE_TYPE, ValueFactory.value("localfile"))
                        .putPayload(PointPayloads.SOURCE, ValueFactory.value("notes"))
                        .putPayload(PointPayloads.PATH, ValueFactory.value("gone.md")))
                .build())
        .get();
    Map<String, Long> plain = ingest();
    assertEquals(0, get(plain, "SweepOrphans.orphan_documents"), "no sweep unless asked");
    assertTrue(byPath().containsKey("alpha/notes/gone.md"));

    Map<String, RetrievedPoint> before = points();
    Map<String, Long> c = ingest(null, null, true, true);
    assertEquals(4, get(c, "DiffDocuments.documents_forced"));
    assertEquals(4, get(c, "ConvertDocuments.documents_converted"));
    assertEquals(11, get(c, "EmbedChunks.embeddings_computed"));
    assertEquals(0, get(c, "ReuseVectors.embeddings_reused"));
    assertEquals(11, get(c, "QdrantIO.points_upserted"));
    assertEquals(1, get(c, "SweepOrphans.orphan_documents"));
    assertEquals(1, get(c, "SweepOrphans.points_removed"));
    Map<String, RetrievedPoint> after = points();
    assertEquals(11, after.size());
    assertFalse(byPath().containsKey("alpha/notes/gone.md"));
    // the same points, rewritten by this run
    for (Map.Entry<String, RetrievedPoint> e : after.entrySet()) {
      assertTrue(before.containsKey(e.getKey()));
      assertFalse(
          payload(before.get(e.getKey()), PointPayloads.INGESTED_AT)
              .equals(payload(e.getValue(), PointPayloads.INGESTED_AT)));
    }
  }

  @Test
  void aChangedFileThatNoLongerConvertsKeepsItsPointsAndEntry() throws Exception {
    ingest();
    List<RetrievedPoint> before = byPath().get("alpha/wiki/setup.md");
    Files.write(ws.resolve("wiki/setup.md"), new byte[] {0, 0, 1, 2, 0, 3});
    Map<String, Long> c = ingest();
    assertEquals(1, get(c, "DiffDocuments.documents_changed"));
    assertEquals(0, get(c, "CommitDocuments.documents_committed"));
    assertEquals(before, byPath().get("alpha/wiki/setup.md"));
    assertEquals(3, manifest("alpha", "wiki").get(0).chunkHashes().size());
    // and it is tried again on the next run, not skipped as unchanged
    assertEquals(1, get(ingest(), "DiffDocuments.documents_changed"));
  }
}
