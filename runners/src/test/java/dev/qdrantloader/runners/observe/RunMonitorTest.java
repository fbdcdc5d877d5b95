package dev.qdrantloader.runners.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.runners.report.RunReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.junit.jupiter.api.Test;

class RunMonitorTest {

  /** Metrics of a run with {@code done} documents committed and the given busy milliseconds. */
  static MetricsSnapshot metrics(long listed, long done, long embedMillis, long convertMillis) {
    Map<String, Long> c = new HashMap<>();
    c.put("ReadDocuments.documents_listed", listed);
    c.put("ReadDocuments.documents_read", listed);
    c.put("CommitDocuments.documents_committed", done);
    c.put("DiffDocuments.documents_new", listed);
    c.put("ChunkDocuments.documents_chunked", listed);
    c.put("ChunkDocuments.chunks_emitted", listed * 3);
    c.put("EmbedChunks.embeddings_computed", done * 3);
    c.put("QdrantIO.points_upserted", done * 3);
    Map<String, DistributionResult> d = new HashMap<>();
    d.put("EmbedChunks.embed_millis", DistributionResult.create(embedMillis, 10, 1, 100));
    d.put("ConvertDocuments.conversion_millis", DistributionResult.create(convertMillis, 10, 1, 9));
    return new MetricsSnapshot(c, d);
  }

  /** A monitor that shows no progress, for its figures alone. */
  static RunMonitor quiet() {
    return new RunMonitor(
        () -> MetricsSnapshot.EMPTY,
        1000,
        RunMonitor.Progress.OFF,
        0,
        new PrintWriter(new StringWriter()));
  }

  @Test
  void theLineShowsDoneOfListedTheRateTheEtaAndTheBusiestStage() throws Exception {
    StringWriter out = new StringWriter();
    RunMonitor monitor =
        new RunMonitor(
            () -> MetricsSnapshot.EMPTY, 1000, RunMonitor.Progress.OFF, 0, new PrintWriter(out));
    monitor.sample(metrics(1000, 0, 0, 0));
    Thread.sleep(400);
    // 200 documents more, embedding busy 600 ms against converting 40 ms
    MetricsSnapshot now = metrics(1000, 200, 600, 40);
    monitor.sample(now);
    String line = monitor.line(now);
    assertTrue(line.contains("200/1,000 documents (20%)"), line);
    assertTrue(line.contains("| 600/3,000 chunks embedded (20%), 600 written"), line);
    assertTrue(
        line.matches(".*\\| \\d+\\.\\d chunks/s \\| ETA \\d+s \\| busiest: embed \\(.*"), line);
    assertEquals(out.toString(), "", "nothing printed with progress off");
  }

  @Test
  void whileDocumentsAreStillChunkedTheChunksToEmbedAreEstimated() {
    Map<String, Long> c = new HashMap<>();
    c.put("ReadDocuments.documents_listed", 100L);
    c.put("DiffDocuments.documents_new", 60L);
    c.put("DiffDocuments.documents_unchanged", 40L);
    c.put("ChunkDocuments.documents_chunked", 30L);
    c.put("ChunkDocuments.chunks_emitted", 90L);
    c.put("EmbedChunks.embeddings_computed", 45L);
    MetricsSnapshot m = new MetricsSnapshot(c, Map.of());
    assertEquals(180, RunMonitor.expectedChunks(m), "3 per document for 60 documents");
    assertEquals(40, RunMonitor.documentsDone(m), "the unchanged ones");
    RunMonitor monitor = quiet();
    monitor.sample(m);
    assertTrue(monitor.line(m).contains("45/~180 chunks embedded (25%)"), monitor.line(m));
    // --force: the unchanged documents are processed too, so they are not done yet
    c.put("DiffDocuments.documents_forced", 40L);
    MetricsSnapshot forced = new MetricsSnapshot(c, Map.of());
    assertEquals(0, RunMonitor.documentsDone(forced));
    assertEquals(300, RunMonitor.expectedChunks(forced));
  }

  @Test
  void logModePrintsPlainLinesAndAFinalOne() {
    StringWriter out = new StringWriter();
    RunMonitor monitor =
        new RunMonitor(
            () -> MetricsSnapshot.EMPTY, 1000, RunMonitor.Progress.LOG, 0, new PrintWriter(out));
    monitor.sample(metrics(10, 5, 0, 0));
    monitor.finish(metrics(10, 10, 0, 0));
    String printed = out.toString();
    assertTrue(
        printed.startsWith("progress: [") && printed.contains("5/10 documents (50%)"), printed);
    assertTrue(
        printed.contains("10/10 documents (100%)") && printed.contains("(finished)"), printed);
    assertFalse(printed.contains("\r"), "no carriage returns in a log");
  }

  @Test
  void lineModeRedrawsInPlaceAndClearsTheLineAtTheEnd() {
    StringWriter out = new StringWriter();
    RunMonitor monitor =
        new RunMonitor(
            () -> MetricsSnapshot.EMPTY, 1000, RunMonitor.Progress.LINE, 0, new PrintWriter(out));
    monitor.sample(metrics(10, 5, 0, 0));
    monitor.finish(metrics(10, 10, 0, 0));
    String printed = out.toString();
    assertTrue(printed.startsWith("\r[") && printed.endsWith("\r\033[K"), printed);
    assertFalse(printed.contains("\n"), "a terminal line has no newline");
  }

  @Test
  void beforeListingTheLineSaysSo() {
    RunMonitor monitor = quiet();
    monitor.sample(MetricsSnapshot.EMPTY);
    assertTrue(monitor.line(MetricsSnapshot.EMPTY).contains("listing documents"));
  }

  @Test
  void aLongRunKeepsAtMostMaxSamplesAndDoublesTheInterval() {
    RunMonitor monitor = quiet();
    for (int i = 0; i <= RunMonitor.MAX_SAMPLES; i++) {
      monitor.sample(metrics(100_000, i, i, 0));
    }
    RunReport.Timeline t = monitor.timeline();
    assertTrue(t.samples().size() <= RunMonitor.MAX_SAMPLES, "" + t.samples().size());
    assertTrue(t.samples().size() > RunMonitor.MAX_SAMPLES / 3, "" + t.samples().size());
    assertEquals(2.0, t.intervalSeconds());
    // the first and the last sample are kept
    assertEquals(0L, t.samples().get(0).items().get("commit"));
    assertEquals(
        (long) RunMonitor.MAX_SAMPLES,
        t.samples().get(t.samples().size() - 1).items().get("commit"));
  }

  @Test
  void samplesTimeTheStagesAndReadTheJvm() {
    RunMonitor monitor = quiet();
    RunReport.Sample s = monitor.sample(metrics(10, 4, 2500, 40));
    assertEquals(2.5, s.busySeconds().get("embed"), 1e-9);
    assertEquals(0.04, s.busySeconds().get("convert"), 1e-9);
    assertEquals(10L, s.operations().get("embed"));
    assertEquals(4L, s.items().get("commit"));
    assertTrue(s.heapUsedBytes() > 0 && s.heapMaxBytes() >= s.heapUsedBytes());
  }

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertEquals("42s", RunMonitor.duration(42.2));
    assertEquals("2m05s", RunMonitor.duration(125));
    assertEquals("1h01m", RunMonitor.duration(3660));
  }
}
