package dev.qdrantloader.runners.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.runners.report.MetricsSnapshot;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  static String text(MetricsSnapshot m, boolean finished) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create()
        .write(out, MetricsEndpoint.snapshots(m, finished, "run-1", "direct", System.nanoTime()));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void beamMetricsBecomeFamiliesLabelledByStageWithTimingsInSeconds() throws Exception {
    MetricsSnapshot m =
        new MetricsSnapshot(
            Map.of(
                "ConvertDocuments.documents_failed", 2L,
                "ReadDocuments.documents_failed", 1L,
                "CommitDocuments.points_removed", 4L,
                "SweepOrphans.points_removed", 5L,
                "failures.convert:encrypted pdf", 2L,
                "ResourceMonitor.throttles", 3L),
            Map.of(
                "ConvertDocuments.conversion_millis", DistributionResult.create(1500, 3, 100, 900),
                "ReadDocuments.read_micros", DistributionResult.create(2_000_000, 4, 1, 9),
                "EmbedChunks.batch_size", DistributionResult.create(64, 2, 30, 34)));
    String text = text(m, false);
    assertTrue(text.contains("qdrant_loader_documents_failed_total{stage=\"convert\"} 2.0"), text);
    assertTrue(text.contains("qdrant_loader_documents_failed_total{stage=\"read\"} 1.0"), text);
    assertTrue(text.contains("qdrant_loader_points_removed_total{stage=\"commit\"} 4.0"), text);
    assertTrue(text.contains("qdrant_loader_points_removed_total{stage=\"sweep\"} 5.0"), text);
    assertTrue(
        text.contains(
            "qdrant_loader_failures_total{reason=\"encrypted pdf\",stage=\"convert\"} 2.0"),
        text);
    assertTrue(text.contains("qdrant_loader_throttles_total{stage=\"intake\"} 3.0"), text);
    assertTrue(text.contains("qdrant_loader_conversion_seconds_count{stage=\"convert\"} 3"), text);
    assertTrue(text.contains("qdrant_loader_conversion_seconds_sum{stage=\"convert\"} 1.5"), text);
    assertTrue(text.contains("qdrant_loader_read_seconds_sum{stage=\"read\"} 2.0"), text);
    assertTrue(text.contains("qdrant_loader_batch_size_sum{stage=\"embed\"} 64.0"), text);
    assertTrue(
        text.contains("qdrant_loader_stage_busy_seconds_total{stage=\"convert\"} 1.5"), text);
    assertTrue(text.contains("qdrant_loader_stage_operations_total{stage=\"read\"} 4.0"), text);
    assertTrue(
        text.contains("qdrant_loader_run_info{run_id=\"run-1\",runner=\"direct\"} 1.0"), text);
    assertTrue(text.contains("qdrant_loader_run_finished 0.0"), text);
    assertTrue(text(m, true).contains("qdrant_loader_run_finished 1.0"));
  }

  @Test
  void aPortInUseIsAnIoErrorAndPortZeroPicksAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Exception e =
          org.junit.jupiter.api.Assertions.assertThrows(
              java.io.IOException.class,
              () ->
                  MetricsEndpoint.start(
                      "127.0.0.1",
                      taken.getLocalPort(),
                      () -> MetricsSnapshot.EMPTY,
                      () -> false,
                      "r",
                      "direct",
                      0));
      assertTrue(e.getMessage() != null);
    }
    try (MetricsEndpoint e =
        MetricsEndpoint.start(
            "127.0.0.1", 0, () -> MetricsSnapshot.EMPTY, () -> false, "r", "direct", 0)) {
      assertTrue(e.port() > 0);
      var http = java.net.http.HttpClient.newHttpClient();
      var response =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + e.port() + "/metrics"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertTrue(response.body().contains("jvm_memory_used_bytes"), response.body());
    }
  }

  @Test
  void theDashboardsOnEventSeriesAreWhatTheEndpointNamesThoseBeamCounters() throws Exception {
    // Series that exist only once their event happened (a retry, a 429, a wait): the dashboard
    // test cannot see them in its scrape, so their names are checked here, from the Beam counters
    // the transforms declare.
    MetricsSnapshot m =
        new MetricsSnapshot(
            Map.of(
                "EmbedChunks.embedding_retries", 1L,
                "EmbedChunks.embedding_throttled", 1L,
                "EmbedChunks.cache_hits", 1L,
                "ReuseVectors.embeddings_reused", 1L,
                "ResourceMonitor.throttled_millis", 1L),
            Map.of());
    String text = text(m, false);
    for (String series : dev.qdrantloader.runners.cli.ObservabilityEndToEndTest.ON_EVENT) {
      assertTrue(text.contains("\n" + series + "{stage="), series + " not in\n" + text);
    }
  }
}
