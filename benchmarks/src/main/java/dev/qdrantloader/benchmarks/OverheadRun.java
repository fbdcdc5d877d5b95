package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.pipelines.IngestionJobs;
import dev.qdrantloader.pipelines.IngestionPipeline;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import dev.qdrantloader.runners.cli.DirectRun;
import dev.qdrantloader.runners.cli.QdrantTarget;
import dev.qdrantloader.runners.observe.LiveMetrics;
import dev.qdrantloader.runners.observe.MetricsEndpoint;
import dev.qdrantloader.runners.observe.RunMonitor;
import dev.qdrantloader.runners.report.MetricsSnapshot;
import java.io.File;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * The overhead scenario: the ingest pipeline exactly as {@code qdrant-loader ingest} builds it on
 * the DirectRunner (read, convert, chunk with the model's tokenizer, batch, write to the embedded
 * Qdrant), with the model swapped for a zero-cost hash embedder.
 *
 * <p>With {@code --observe on} (the metrics scenario) the pipeline runs as {@code ingest
 * --metrics-port 0 --progress log} runs it: in the background ({@code blockOnRun=false}), sampled
 * every second by a {@link RunMonitor} that prints a progress line every 10 s, with a {@link
 * MetricsEndpoint} on a free loopback port, scraped every second by a {@link MetricsScraper} in
 * this JVM. {@code off} (the default) runs it as before: blocking, nothing observing it.
 *
 * <p>{@code OverheadRun --workspace DIR --out FILE [--observe on|off]}
 */
public final class OverheadRun {
  /** The monitor's sampling interval, as {@code ingest}'s. */
  static final long SAMPLE_MILLIS = 1000;

  /** Between progress lines, {@code ingest --progress log}'s default. */
  static final long PROGRESS_MILLIS = 10_000;

  /** Between scrapes: 15x Prometheus's default rate (one per 15 s), a harsh case. */
  static final long SCRAPE_MILLIS = 1000;

  private OverheadRun() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args, Set.of("--workspace", "--out"), Set.of("--observe"));
    String observe = a.getOrDefault("--observe", "off");
    if (!observe.equals("on") && !observe.equals("off")) {
      throw new IllegalArgumentException("--observe takes on or off, got " + observe);
    }
    Path workspace = Path.of(a.get("--workspace"));
    IngestionConfig config = WorkspaceConfig.load(workspace);
    EmbeddingPlan model = EmbeddingPlan.of(config);
    Path runDir = Files.createTempDirectory("overhead-run");
    try (QdrantTarget target = QdrantTarget.open(config)) {
      QdrantCollections.ensure(
          target.client(), config.qdrant().collectionName(), model.vectorSize(), "hash");
      dev.qdrantloader.io.qdrant.QdrantManifest.ensure(
          target.client(), config.qdrant().collectionName());
      IngestionJob job =
          IngestionJobs.plan(
                  config,
                  target.connection(),
                  Instant.now().toString(),
                  runDir.resolve("failures").toString())
              .job();
      IngestionJob hashed =
          DirectRun.tune(
              job.withEmbedder(new HashEmbedderFactory(model.vectorSize(), model.window())));
      Pipeline pipeline = DirectRun.create();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("observe", observe);
      PipelineResult result;
      double seconds;
      if (observe.equals("on")) {
        // As ingest on the DirectRunner: in the background, so its metrics can be read meanwhile.
        pipeline.getOptions().as(DirectOptions.class).setBlockOnRun(false);
        IngestionPipeline.buildPipeline(pipeline, hashed);
        Observed o = observed(pipeline, json);
        result = o.result();
        seconds = o.seconds();
      } else {
        IngestionPipeline.buildPipeline(pipeline, hashed);
        long t0 = System.nanoTime();
        result = pipeline.run();
        result.waitUntilFinish();
        seconds = (System.nanoTime() - t0) / 1e9;
      }
      json.put("pipeline_seconds", seconds);
      Map<String, Long> counters = DirectRun.counters(result);
      json.put("chunks", counters.getOrDefault("ChunkDocuments.chunks_emitted", 0L));
      json.put("points_written", counters.getOrDefault("QdrantIO.points_upserted", 0L));
      json.put("counters", new TreeMap<>(counters));
      json.put("distributions", DirectRun.distributions(result));
      new ObjectMapper()
          .writerWithDefaultPrettyPrinter()
          .writeValue(new File(a.get("--out")), json);
      System.out.printf(
          "overhead: %d chunks in %.1f s = %.0f chunks/s%n",
          (Long) json.get("chunks"), seconds, (Long) json.get("chunks") / seconds);
    }
  }

  private record Observed(PipelineResult result, double seconds) {}

  /**
   * Runs {@code pipeline} (built with {@code blockOnRun=false}) observed as {@code ingest} observes
   * it, plus a scraper; puts the scrapes and the monitor's samples in {@code json}. Fails when a
   * scrape failed or none was served.
   */
  private static Observed observed(Pipeline pipeline, Map<String, Object> json) throws Exception {
    // The live metrics as IngestCommand reads them: the running result's attempted values, the
    // final ones once it has finished.
    LiveMetrics live = new LiveMetrics();
    PrintWriter progress =
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    long start = System.nanoTime();
    try (MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            "127.0.0.1", 0, live, live::finished, "overhead-" + Instant.now(), "direct", start)) {
      URL url = new URL("http://127.0.0.1:" + endpoint.port() + "/metrics");
      RunMonitor monitor =
          new RunMonitor(live, SAMPLE_MILLIS, RunMonitor.Progress.LOG, PROGRESS_MILLIS, progress)
              .start();
      MetricsScraper scraper = MetricsScraper.start(url, SCRAPE_MILLIS);
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      PipelineResult result;
      double seconds;
      try {
        result = pipeline.run();
        live.running(result);
        PipelineResult.State state = result.waitUntilFinish();
        seconds = (System.nanoTime() - t0) / 1e9;
        // CPU of the threads observation adds, before they stop: the monitor's and the endpoint's
        // (what a run with --metrics-port spends); the scraper's stands for Prometheus, which runs
        // elsewhere, and is reported apart.
        long process = processCpuNanos() - cpu0;
        Map<String, Long> threads = threadCpuNanos();
        long observer = threads.getOrDefault("monitor", 0L) + threads.getOrDefault("endpoint", 0L);
        json.put("process_cpu_seconds", process / 1e9);
        json.put("observer_cpu_seconds", observer / 1e9);
        json.put("monitor_cpu_seconds", threads.getOrDefault("monitor", 0L) / 1e9);
        json.put("endpoint_cpu_seconds", threads.getOrDefault("endpoint", 0L) / 1e9);
        json.put("scraper_cpu_seconds", threads.getOrDefault("scraper", 0L) / 1e9);
        json.put("observer_cpu_share", process > 0 ? (double) observer / process : 0.0);
        if (state != null && state != PipelineResult.State.DONE) {
          throw new IllegalStateException("the pipeline ended " + state);
        }
      } finally {
        scraper.close();
        monitor.close();
      }
      MetricsScraper.Scrapes s = scraper.stop();
      MetricsSnapshot metrics = MetricsSnapshot.of(result, false);
      monitor.finish(metrics);
      live.finish(metrics);
      json.put("scrapes", s.scrapes());
      json.put("scrape_bytes", s.bytes());
      json.put("scrape_errors", s.errors());
      json.put("scrape_seconds", s.seconds());
      json.put("monitor_samples", monitor.timeline().samples().size());
      if (s.errors() > 0 || s.scrapes() == 0) {
        throw new IllegalStateException(
            "the metrics endpoint served "
                + s.scrapes()
                + " scrapes and failed "
                + s.errors()
                + (s.lastError().isEmpty() ? "" : " (last: " + s.lastError() + ")"));
      }
      return new Observed(result, seconds);
    }
  }

  /** This process's CPU time so far (all threads, living and gone). */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time of the living threads that observation adds, by role: {@code monitor} (the run
   * monitor's sampler), {@code endpoint} (the metrics endpoint's handlers and the JDK HTTP server's
   * dispatcher), {@code scraper} (the benchmark's stand-in for Prometheus).
   */
  static Map<String, Long> threadCpuNanos() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      String name = t.getThreadName();
      String role =
          name.startsWith("qdrant-loader-monitor")
              ? "monitor"
              : name.startsWith(MetricsEndpoint.THREAD_NAME) || name.equals("HTTP-Dispatcher")
                  ? "endpoint"
                  : name.startsWith("metrics-scraper") ? "scraper" : null;
      long cpu = role == null ? -1 : mx.getThreadCpuTime(t.getThreadId());
      if (cpu > 0) {
        out.merge(role, cpu, Long::sum);
      }
    }
    return out;
  }
}
