package dev.qdrantloader.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 * {@code global.resources} through the whole pipeline: a heap limit no JVM can meet slows every
 * read and warns once, yet every document is still written; the defaults leave a small run alone.
 */
class ResourceThrottleTest {
  private static final long FILES = 4;
  private static final long MAX_WAIT_MS = 200;

  @TempDir Path ws;
  private LocalQdrantServer server;
  private QdrantConnection connection;

  @BeforeEach
  void start() throws IOException {
    server = LocalQdrantServer.builder().port(0).dataDir(ws.resolve("qdrant")).start();
    connection = QdrantConnection.of(server.host(), server.port(), false, null);
    for (int i = 0; i < FILES; i++) {
      Path p = ws.resolve("docs/page-" + i + ".md");
      Files.createDirectories(p.getParent());
      Files.writeString(p, "# Page " + i + "\n\nThe loader reads page " + i + " and embeds it.\n");
    }
  }

  @AfterEach
  void stop() throws Exception {
    connection.closeClient();
    server.close();
  }

  /** Runs an ingest with {@code resources} (YAML lines under it, or none); its counters. */
  private Map<String, Long> ingest(String resources) throws IOException {
    Files.writeString(
        ws.resolve(WorkspaceConfig.CONFIG_FILE),
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: res\n"
            + resources
            + "sources:\n"
            + "  localfile:\n"
            + "    docs:\n"
            + "      base_url: docs\n");
    IngestionConfig config = WorkspaceConfig.load(ws, Map.of());
    EmbeddingPlan embedding = EmbeddingPlan.of(config);
    QdrantCollections.ensure(connection.client(), "res", embedding.vectorSize(), embedding.id());
    QdrantManifest.ensure(connection.client(), "res");
    IngestionJob job =
        IngestionJobs.plan(
                config, connection, "2026-01-01T00:00:00Z", ws.resolve("failures").toString())
            .job();
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

  @Test
  void aForcedLowHeapLimitWarnsOnceAndSlowsEveryReadWithoutDroppingAny() throws Exception {
    // Any JVM holds more than 0.01% of its heap after a collection.
    Map<String, Long> c =
        ingest(
            "  resources:\n"
                + "    max_heap: 0.01%\n"
                + "    sample_interval: 50ms\n"
                + "    max_wait: "
                + MAX_WAIT_MS
                + "ms\n");

    assertEquals(1L, c.get("ResourceMonitor.heap_warnings"), c.toString());
    assertEquals(FILES, c.get("ResourceMonitor.throttles"), c.toString());
    assertTrue(
        c.get("ResourceMonitor.throttled_millis") >= FILES * MAX_WAIT_MS * 8 / 10, c.toString());
    assertEquals(FILES, c.get("ReadDocuments.documents_read"), c.toString());
    assertEquals(FILES, c.get("CommitDocuments.documents_committed"), c.toString());
  }

  @Test
  void theDefaultsLeaveASmallRunAlone() throws Exception {
    Map<String, Long> c = ingest("");

    assertEquals(0L, c.getOrDefault("ResourceMonitor.throttles", 0L), c.toString());
    assertEquals(0L, c.getOrDefault("ResourceMonitor.throttled_millis", 0L), c.toString());
    assertEquals(0L, c.getOrDefault("ResourceMonitor.heap_warnings", 0L), c.toString());
    assertEquals(0L, c.getOrDefault("ResourceMonitor.cpu_warnings", 0L), c.toString());
    assertEquals(FILES, c.get("CommitDocuments.documents_committed"), c.toString());
  }
}
