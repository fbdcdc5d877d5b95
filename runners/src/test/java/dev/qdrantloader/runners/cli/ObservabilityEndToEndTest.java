package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.embedding.remote.FakeEmbeddingServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The observability of a DirectRunner ingest as a user meets it: the Prometheus endpoint scraped
 * while the run goes on, the progress lines, the per-stage summary and the run report.
 */
public class ObservabilityEndToEndTest {
  @TempDir Path dir;

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);

  /** One scrape: "name{labels}" to value. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
    }
    return out;
  }

  /** Series that appear only once what they count has happened (a retry, a 429, a wait). */
  public static final List<String> ON_EVENT =
      List.of(
          "qdrant_loader_embedding_retries_total",
          "qdrant_loader_embedding_throttled_total",
          "qdrant_loader_throttled_millis_total",
          "qdrant_loader_cache_hits_total",
          "qdrant_loader_embeddings_reused_total");

  /**
   * Every series named in {@code templates/grafana}'s dashboard is in the scrape, but for {@link
   * #ON_EVENT} ones, which must at least be what the endpoint names those Beam counters.
   */
  static void assertDashboardQueriesServedSeries(String scrape) throws Exception {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(
                Path.of("..", "templates", "grafana", "qdrant-loader-dashboard.json").toFile());
    Pattern series = Pattern.compile("\\b((?:qdrant_loader|jvm|process)_[a-z_]+)\\b");
    List<String> asked = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = series.matcher(target.get("expr").asText());
        while (m.find()) {
          asked.add(m.group(1));
        }
      }
    }
    assertTrue(asked.size() > 20, asked.toString());
    List<String> missing = new ArrayList<>();
    for (String name : asked) {
      boolean served = Pattern.compile("(?m)^" + name + "[{ ]").matcher(scrape).find();
      if (!served && !ON_EVENT.contains(name)) {
        missing.add(name);
      }
    }
    assertTrue(missing.isEmpty(), "the dashboard asks for series not served: " + missing);
  }

  /** An ingest with --metrics-port 0 and what its endpoint served until the figures were final. */
  record Scraped(
      int code, String out, String err, List<Map<String, Double>> scrapes, String lastText) {}

  /**
   * Runs {@code ingest --metrics-port 0 --metrics-linger 4 <extra>} on {@code ws} and scrapes its
   * endpoint every 100 ms until {@code qdrant_loader_run_finished} is 1.
   */
  static Scraped ingestScraped(Path ws, String... extra) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--workspace",
                ws.toString(),
                "ingest",
                "--metrics-port",
                "0",
                "--metrics-linger",
                "4"));
    args.addAll(List.of(extra));
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () ->
                QdrantLoaderCli.run(
                    args.toArray(String[]::new),
                    new PrintWriter(out, true),
                    new PrintWriter(err, true)));
    Pattern address = Pattern.compile("Metrics at (http://127\\.0\\.0\\.1:\\d+/metrics)");
    String url = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (url == null && System.nanoTime() < deadline && !run.isDone()) {
      Matcher m = address.matcher(out.toString());
      if (m.find()) {
        url = m.group(1);
      } else {
        Thread.sleep(20);
      }
    }
    assertTrue(url != null, "no metrics address printed:\n" + out + err);
    HttpClient http = HttpClient.newHttpClient();
    List<Map<String, Double>> scrapes = new ArrayList<>();
    Map<String, Double> last = Map.of();
    String lastText = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertTrue(
          response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
          response.headers().toString());
      lastText = response.body();
      last = parse(lastText);
      scrapes.add(last);
      if (last.getOrDefault("qdrant_loader_run_finished", 0.0) == 1.0) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(1.0, last.get("qdrant_loader_run_finished"), "the run did not finish in time");
    int code = run.get(2, TimeUnit.MINUTES);
    return new Scraped(code, out.toString(), err.toString(), scrapes, lastText);
  }

  @Test
  void metricsEndpointIsScrapedDuringTheRunAndTheReportHoldsTheSummarysTotals() throws Exception {
    Path ws = EquivalenceWorkspace.create(dir.resolve("ws"), EquivalenceWorkspace.stateA());
    Files.write(ws.resolve("docs/broken.pdf"), "%PDF-1.4 not really a pdf".getBytes());
    Scraped scraped = ingestScraped(ws, "--progress", "log", "--progress-every", "0.5");
    assertEquals(1, scraped.code(), scraped.out() + "\n" + scraped.err()); // broken.pdf failed
    List<Map<String, Double>> scrapes = scraped.scrapes();
    Map<String, Double> last = scrapes.get(scrapes.size() - 1);
    String lastText = scraped.lastText();
    StringWriter out = new StringWriter();
    out.write(scraped.out());
    StringWriter err = new StringWriter();
    err.write(scraped.err());

    // Live: a scrape before the end already showed documents read, and fewer chunks than at the
    // end (the figures move while the pipeline runs).
    double finalChunks =
        last.get("qdrant_loader_stage_items_total{stage=\"chunk\",unit=\"chunks\"}");
    boolean sawProgress =
        scrapes.stream()
            .anyMatch(
                s ->
                    s.getOrDefault("qdrant_loader_run_finished", 1.0) == 0.0
                        && s.getOrDefault(
                                "qdrant_loader_stage_items_total{stage=\"read\",unit=\"documents\"}",
                                0.0)
                            > 0
                        && s.getOrDefault(
                                "qdrant_loader_stage_items_total{stage=\"chunk\",unit=\"chunks\"}",
                                0.0)
                            < finalChunks);
    assertTrue(sawProgress, "no scrape saw the run in progress: " + scrapes.size() + " scrapes");

    // Every stage that ran has non-zero counters under its stage label.
    for (String series :
        List.of(
            "qdrant_loader_documents_listed_total{stage=\"read\"}",
            "qdrant_loader_documents_read_total{stage=\"read\"}",
            "qdrant_loader_documents_new_total{stage=\"diff\"}",
            "qdrant_loader_documents_converted_total{stage=\"convert\"}",
            "qdrant_loader_documents_failed_total{stage=\"convert\"}",
            "qdrant_loader_chunks_emitted_total{stage=\"chunk\"}",
            "qdrant_loader_embeddings_computed_total{stage=\"embed\"}",
            "qdrant_loader_embedding_calls_total{stage=\"embed\"}",
            "qdrant_loader_points_upserted_total{stage=\"write\"}",
            "qdrant_loader_documents_committed_total{stage=\"commit\"}",
            "qdrant_loader_failures_total{reason=\"corrupt or unreadable pdf\",stage=\"convert\"}",
            "qdrant_loader_read_seconds_count{stage=\"read\"}",
            "qdrant_loader_conversion_seconds_count{stage=\"convert\"}",
            "qdrant_loader_conversion_seconds_sum{stage=\"convert\"}",
            "qdrant_loader_chunk_seconds_count{stage=\"chunk\"}",
            "qdrant_loader_embed_seconds_count{stage=\"embed\"}",
            "qdrant_loader_upsert_seconds_count{stage=\"write\"}",
            "qdrant_loader_stage_busy_seconds_total{stage=\"embed\"}",
            "qdrant_loader_stage_operations_total{stage=\"write\"}",
            "jvm_memory_used_bytes{area=\"heap\"}",
            "process_cpu_seconds_total",
            "jvm_threads_current")) {
      assertTrue(last.getOrDefault(series, 0.0) > 0, series + " is not above 0 in\n" + lastText);
    }
    for (String stage : List.of("read", "diff", "convert", "chunk", "embed", "write", "commit")) {
      assertTrue(
          last.entrySet().stream()
              .anyMatch(
                  e ->
                      e.getKey().startsWith("qdrant_loader_stage_items_total{stage=\"" + stage)
                          && e.getValue() > 0),
          "no items for stage " + stage);
    }
    assertTrue(lastText.contains("jvm_gc_collection_seconds"), "no GC metrics");

    // The summary's figures, the report's totals and the endpoint's counters agree.
    String summary = out.toString();
    JsonNode report = new ObjectMapper().readTree(EquivalenceWorkspace.lastRun(ws).toFile());
    JsonNode totals = report.get("totals");
    Matcher docs =
        Pattern.compile(
                "documents  (\\d+) listed: (\\d+) new, (\\d+) changed, (\\d+) unchanged, (\\d+)"
                    + " deleted; (\\d+) failed")
            .matcher(summary);
    assertTrue(docs.find(), summary);
    assertEquals(Long.parseLong(docs.group(1)), totals.get("documents_listed").asLong());
    assertEquals(Long.parseLong(docs.group(2)), totals.get("new").asLong());
    assertEquals(Long.parseLong(docs.group(3)), totals.get("changed").asLong());
    assertEquals(Long.parseLong(docs.group(4)), totals.get("unchanged").asLong());
    assertEquals(Long.parseLong(docs.group(5)), totals.get("deleted").asLong());
    assertEquals(Long.parseLong(docs.group(6)), totals.get("failed_documents").asLong());
    assertEquals(29, totals.get("documents_listed").asLong());
    assertEquals(1, totals.get("failed_documents").asLong());
    Matcher work =
        Pattern.compile(
                "work       (\\d+) read, (\\d+) converted, (\\d+) chunks: (\\d+) embedded, (\\d+)"
                    + " vectors reused")
            .matcher(summary);
    assertTrue(work.find(), summary);
    assertEquals(Long.parseLong(work.group(1)), totals.get("documents_read").asLong());
    assertEquals(Long.parseLong(work.group(2)), totals.get("documents_converted").asLong());
    assertEquals(Long.parseLong(work.group(3)), totals.get("chunks").asLong());
    assertEquals(Long.parseLong(work.group(4)), totals.get("embeddings_computed").asLong());
    assertEquals(Long.parseLong(work.group(5)), totals.get("embeddings_reused").asLong());
    Matcher points = Pattern.compile("points     (\\d+) written, (\\d+) removed").matcher(summary);
    assertTrue(points.find(), summary);
    assertEquals(Long.parseLong(points.group(1)), totals.get("points_written").asLong());
    assertEquals(Long.parseLong(points.group(2)), totals.get("points_removed").asLong());
    assertEquals(
        totals.get("chunks").asDouble(),
        last.get("qdrant_loader_chunks_emitted_total{stage=\"chunk\"}"));
    assertEquals(
        totals.get("points_written").asDouble(),
        last.get("qdrant_loader_points_upserted_total{stage=\"write\"}"));

    // Per-stage lines in the summary, as in the report.
    for (JsonNode stage : report.get("stages")) {
      Matcher row =
          Pattern.compile(
                  "\\n  "
                      + stage.get("stage").asText()
                      + " +([\\d,]+) "
                      + stage.get("unit").asText())
              .matcher(summary);
      assertTrue(row.find(), "no summary row for " + stage + "\n" + summary);
      assertEquals(stage.get("items").asLong(), Long.parseLong(row.group(1).replace(",", "")));
    }
    assertTrue(report.get("stages").size() >= 6, report.get("stages").toString());
    assertEquals(
        "convert", report.get("failure_counts").get(0).get("stage").asText(), report.toString());
    assertEquals(
        "corrupt or unreadable pdf", report.get("failure_counts").get(0).get("reason").asText());
    assertTrue(report.get("config_digest").asText().startsWith("sha256:"));
    assertTrue(report.get("versions").get("beam").asText().startsWith("2."));
    assertFalse(report.get("timeline").get("samples").isEmpty(), "no timeline samples");

    // The Grafana dashboard asks only for series this endpoint serves.
    assertDashboardQueriesServedSeries(lastText);

    // status lists the run's report.
    CliEndToEndTest.Run status = CliEndToEndTest.cli(ws, "status");
    assertTrue(
        status.out().contains("Reports     1 under")
            && status.out().contains(report.get("run_id").asText() + "  failed_documents"),
        status.out());

    // A second run after a file was deleted: the diff and delete stages count it, the read stage
    // counts the unchanged files it did not read.
    Files.delete(ws.resolve("docs/pages/ops/page-03.md"));
    Path edited = ws.resolve("docs/pages/dev/page-01.md");
    Files.writeString(edited, Files.readString(edited) + "\n## Added later\n\nOne more section.\n");
    Scraped second = ingestScraped(ws, "--progress", "off");
    assertEquals(1, second.code(), second.out() + second.err()); // broken.pdf fails again
    Map<String, Double> after = second.scrapes().get(second.scrapes().size() - 1);
    assertEquals(1.0, after.get("qdrant_loader_documents_deleted_total{stage=\"diff\"}"));
    assertEquals(1.0, after.get("qdrant_loader_documents_removed_total{stage=\"delete\"}"));
    assertEquals(
        26.0, after.get("qdrant_loader_documents_unchanged_total{stage=\"diff\"}"), second.out());
    assertEquals(1.0, after.get("qdrant_loader_documents_changed_total{stage=\"diff\"}"));
    // the edited page's unchanged sections keep their vectors
    assertTrue(
        after.getOrDefault("qdrant_loader_embeddings_reused_total{stage=\"reuse\"}", 0.0) > 0,
        second.lastText());
    assertTrue(
        after.getOrDefault("qdrant_loader_documents_not_read_total{stage=\"read\"}", 0.0) >= 26,
        second.lastText());

    // Progress in log mode: plain lines, the last one at the end of the run.
    assertTrue(
        err.toString().contains("progress: [") && err.toString().contains("29/29 documents (100%)"),
        err.toString());
  }

  @Test
  void aForcedLowHeapThresholdWarnsOnceAndThrottlesIntakeAndTheSummarySaysSo() throws Exception {
    Path ws = dir.resolve("small");
    CliEndToEndTest.write(
        ws,
        "config.yaml",
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: throttled\n"
            + "  resources:\n"
            + "    max_heap: 0.01%\n"
            + "    max_wait: 300ms\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: docs\n");
    for (int i = 0; i < 3; i++) {
      CliEndToEndTest.write(
          ws, "docs/page" + i + ".md", "# Page " + i + "\n\nSome text " + i + ".\n");
    }
    CliEndToEndTest.Run run = CliEndToEndTest.cli(ws, "ingest", "--progress", "off");
    assertEquals(0, run.code(), run.out() + run.err());
    assertTrue(run.out().contains("3 new"), run.out());
    Matcher throttled =
        Pattern.compile(
                "resources  intake throttled: (\\d+) files waited ([\\d.]+) s in all \\(heap after"
                    + " GC above global.resources.max_heap \\(0.01%\\)\\)")
            .matcher(run.out());
    assertTrue(throttled.find(), run.out());
    assertEquals(3, Integer.parseInt(throttled.group(1)), "each of the 3 files waited");
    assertTrue(Double.parseDouble(throttled.group(2)) >= 0.7, throttled.group(2));
    JsonNode report = new ObjectMapper().readTree(EquivalenceWorkspace.lastRun(ws).toFile());
    JsonNode resources = report.get("resources");
    assertEquals(3, resources.get("throttles").asLong(), resources.toString());
    assertEquals(1, resources.get("warnings").size(), resources.toString());
    assertEquals(1, report.get("counters").get("ResourceMonitor.heap_warnings").asLong());
    assertEquals(3, report.get("totals").get("committed").asLong(), "nothing was dropped");
  }

  @Test
  void profileRecordsTheRunAndWritesAFlameGraphAndTheHotMethods() throws Exception {
    Path ws = EquivalenceWorkspace.create(dir.resolve("profiled"), EquivalenceWorkspace.stateA());
    CliEndToEndTest.Run run = CliEndToEndTest.cli(ws, "ingest", "--profile", "--progress", "off");
    assertEquals(0, run.code(), run.out() + run.err());
    JsonNode report = new ObjectMapper().readTree(EquivalenceWorkspace.lastRun(ws).toFile());
    Path runDir = ws.resolve(".qdrant-loader/runs").resolve(report.get("run_id").asText());
    Path jfr = runDir.resolve("profile.jfr");
    Path flame = runDir.resolve("flame-graph.html");
    assertTrue(Files.size(jfr) > 10_000, "recording " + Files.size(jfr) + " bytes");
    String html = Files.readString(flame);
    assertTrue(html.contains("qdrant-loader ingest " + report.get("run_id").asText()), "title");
    assertTrue(
        html.contains("dev/qdrantloader") || html.contains("dev.qdrantloader"), "our frames");
    JsonNode profile = report.get("profile");
    assertEquals(jfr.toString(), profile.get("recording").asText());
    assertTrue(profile.get("samples").asLong() > 0, profile.toString());
    int hot = profile.get("hot_methods").size();
    assertTrue(hot > 0 && hot <= 10, profile.toString());
    assertTrue(run.out().contains("hot methods (share of samples, self time):"), run.out());
    String first = profile.get("hot_methods").get(0).get("method").asText();
    assertTrue(run.out().contains(first), run.out());
  }

  @Test
  void aRunThatFailsAsAWholeStillWritesItsReport() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withDimension(16).withFaults(0, "401", 0))) {
      Path ws = dir.resolve("failing");
      CliEndToEndTest.write(
          ws,
          "config.yaml",
          "global:\n"
              + "  qdrant:\n"
              + "    collection_name: failing\n"
              + "  embedding:\n"
              + "    provider: openai_compatible\n"
              + "    model: nomic-embed-text\n"
              + "    base_url: "
              + server.baseUrl()
              + "\n"
              + "    api_key: sk-test\n"
              + "projects:\n"
              + "  handbook:\n"
              + "    sources:\n"
              + "      localfile:\n"
              + "        notes:\n"
              + "          base_url: docs\n");
      for (int i = 0; i < 4; i++) {
        CliEndToEndTest.write(ws, "docs/page" + i + ".md", "# Page " + i + "\n\nText " + i + ".\n");
      }
      // The probe before the run is answered; every request of the run is refused with 401 (a key
      // revoked mid-run), which stops the run.
      CompletableFuture<CliEndToEndTest.Run> run =
          CompletableFuture.supplyAsync(
              () -> CliEndToEndTest.cli(ws, "ingest", "--progress", "off"));
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (server.served() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      server.setFaultRate(1.0);
      CliEndToEndTest.Run failed = run.get(2, TimeUnit.MINUTES);
      assertEquals(1, failed.code(), failed.out() + failed.err());
      assertTrue(failed.err().contains("the run failed and was stopped"), failed.err());
      Path json = EquivalenceWorkspace.lastRun(ws);
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      assertEquals("failed", report.get("status").asText(), report.toString());
      assertTrue(report.get("error").asText().contains("401"), report.get("error").asText());
      assertEquals(4, report.get("totals").get("documents_listed").asLong(), report.toString());
      String html = Files.readString(json.resolveSibling(report.get("run_id").asText() + ".html"));
      assertTrue(html.contains("failed") && html.contains("401"), "the error in the HTML report");
      // The key never reaches a report.
      assertFalse(Files.readString(json).contains("sk-test"), "api_key in the JSON report");
      assertFalse(html.contains("sk-test"), "api_key in the HTML report");
      assertTrue(failed.out().contains("Run report: "), failed.out());
    }
  }

  @Test
  void aMetricsPortInUseIsExitTwoBeforeAnythingIsTouched() throws Exception {
    Path ws = dir.resolve("busy-port");
    CliEndToEndTest.write(
        ws,
        "config.yaml",
        "projects:\n  p:\n    sources:\n      localfile:\n        s:\n          base_url: docs\n");
    CliEndToEndTest.write(ws, "docs/a.md", "# A\n\nText.\n");
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CliEndToEndTest.Run run =
          CliEndToEndTest.cli(
              ws, "ingest", "--metrics-port", Integer.toString(taken.getLocalPort()));
      assertEquals(2, run.code(), run.out() + run.err());
      assertTrue(
          run.err().contains("--metrics-port " + taken.getLocalPort() + ": cannot listen on"),
          run.err());
    }
    assertFalse(Files.exists(ws.resolve(".qdrant-loader")), "nothing was written");
    CliEndToEndTest.Run linger = CliEndToEndTest.cli(ws, "ingest", "--metrics-linger", "5");
    assertEquals(2, linger.code());
    assertTrue(linger.err().contains("--metrics-linger needs --metrics-port"), linger.err());
    CliEndToEndTest.Run progress = CliEndToEndTest.cli(ws, "ingest", "--progress", "sometimes");
    assertEquals(2, progress.code());
    assertTrue(progress.err().contains("expected auto, line, log or off"), progress.err());
    assertFalse(Files.exists(ws.resolve(".qdrant-loader")), "nothing was written");
  }
}
