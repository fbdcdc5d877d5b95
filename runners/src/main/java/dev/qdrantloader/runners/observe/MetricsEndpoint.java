package dev.qdrantloader.runners.observe;

import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.runners.report.Stages;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.beam.sdk.metrics.DistributionResult;

/**
 * Serves a running ingest's Beam metrics at {@code /metrics} in the Prometheus text format, with
 * the JVM's CPU, memory, GC and thread metrics. The Beam metrics are read from the pipeline at
 * every scrape (nothing is copied on the pipeline's threads):
 *
 * <ul>
 *   <li>every counter {@code Owner.name} as {@code qdrant_loader_<name>_total{stage="<stage>"}}
 *       (the stage of {@link Stages#label}), failures as {@code
 *       qdrant_loader_failures_total{stage,reason}};
 *   <li>every distribution as a summary (count and sum): timings ({@code _millis}, {@code _micros})
 *       in seconds as {@code qdrant_loader_<base>_seconds}, others as they are;
 *   <li>per stage: {@code qdrant_loader_stage_items_total{stage,unit}}, {@code
 *       qdrant_loader_stage_busy_seconds_total{stage}} and {@code
 *       qdrant_loader_stage_operations_total{stage}} (throughput is the rate of items, latency the
 *       rate of busy seconds over the rate of operations);
 *   <li>{@code qdrant_loader_run_info{run_id,runner}} 1, {@code qdrant_loader_run_elapsed_seconds}
 *       and {@code qdrant_loader_run_finished} (1 once the figures are final).
 * </ul>
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** Prefix of every metric of ours. */
  public static final String PREFIX = "qdrant_loader_";

  /** Names of the threads that answer scrapes (two at most). */
  public static final String THREAD_NAME = "qdrant-loader-metrics-http";

  private final HTTPServer server;
  private final ExecutorService handlers;

  private MetricsEndpoint(HTTPServer server, ExecutorService handlers) {
    this.server = server;
    this.handlers = handlers;
  }

  /**
   * Starts serving on {@code host:port} (port 0: any free port).
   *
   * @param live the pipeline's metrics now
   * @param runId the run's id, a label of {@code qdrant_loader_run_info}
   * @param runner the runner, a label of {@code qdrant_loader_run_info}
   * @param startNanos {@link System#nanoTime()} at the start of the run
   * @throws IOException when the address cannot be bound
   */
  public static MetricsEndpoint start(
      String host,
      int port,
      Supplier<MetricsSnapshot> live,
      BooleanSupplier finished,
      String runId,
      String runner,
      long startNanos)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    registry.register(
        (MultiCollector)
            () -> snapshots(live.get(), finished.getAsBoolean(), runId, runner, startNanos));
    AtomicInteger threads = new AtomicInteger();
    ExecutorService handlers =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, THREAD_NAME + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      HTTPServer server =
          HTTPServer.builder()
              .hostname(host)
              .port(port)
              .registry(registry)
              .executorService(handlers)
              .buildAndStart();
      return new MetricsEndpoint(server, handlers);
    } catch (IOException | RuntimeException e) {
      handlers.shutdownNow();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
    handlers.shutdownNow();
  }

  /** The Prometheus families for one snapshot of the Beam metrics. */
  static MetricSnapshots snapshots(
      MetricsSnapshot m, boolean finished, String runId, String runner, long startNanos) {
    Map<String, CounterSnapshot.Builder> counters = new TreeMap<>();
    for (Map.Entry<String, Long> c : m.counters().entrySet()) {
      String key = c.getKey();
      int dot = key.indexOf('.');
      String owner = key.substring(0, dot);
      String name = key.substring(dot + 1);
      Labels labels;
      String family;
      if (owner.equals("failures")) {
        int colon = name.indexOf(':');
        family = "failures";
        labels =
            Labels.of(
                "stage",
                colon < 0 ? name : name.substring(0, colon),
                "reason",
                colon < 0 ? "" : name.substring(colon + 1));
      } else {
        family = sanitize(name);
        labels = Labels.of("stage", Stages.label(owner));
      }
      counters
          .computeIfAbsent(
              family, f -> CounterSnapshot.builder().name(PREFIX + f).help("Beam counter " + name))
          .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(c.getValue()).build());
    }
    Map<String, SummarySnapshot.Builder> summaries = new TreeMap<>();
    for (Map.Entry<String, DistributionResult> d : m.distributions().entrySet()) {
      String key = d.getKey();
      int dot = key.indexOf('.');
      String owner = key.substring(0, dot);
      String name = key.substring(dot + 1);
      double scale = 1;
      String family = sanitize(name);
      if (name.endsWith("_millis")) {
        family = family.substring(0, family.length() - "_millis".length()) + "_seconds";
        scale = 1e-3;
      } else if (name.endsWith("_micros")) {
        family = family.substring(0, family.length() - "_micros".length()) + "_seconds";
        scale = 1e-6;
      }
      if (counters.containsKey(family)) {
        family = family + "_distribution";
      }
      String unit = scale == 1 ? "" : " (in seconds)";
      summaries
          .computeIfAbsent(
              family,
              f ->
                  SummarySnapshot.builder()
                      .name(PREFIX + f)
                      .help("Beam distribution " + name + unit))
          .dataPoint(
              SummaryDataPointSnapshot.builder()
                  .labels(Labels.of("stage", Stages.label(owner)))
                  .count(d.getValue().getCount())
                  .sum(d.getValue().getSum() * scale)
                  .build());
    }
    List<MetricSnapshot> out = new ArrayList<>();
    counters.values().forEach(b -> out.add(b.build()));
    summaries.values().forEach(b -> out.add(b.build()));
    CounterSnapshot.Builder items =
        CounterSnapshot.builder()
            .name(PREFIX + "stage_items")
            .help("Items each stage finished (documents, chunks or points: see the unit label)");
    CounterSnapshot.Builder busy =
        CounterSnapshot.builder()
            .name(PREFIX + "stage_busy_seconds")
            .help("Time spent in each stage's timed work, summed over threads");
    CounterSnapshot.Builder operations =
        CounterSnapshot.builder()
            .name(PREFIX + "stage_operations")
            .help("Timed operations of each stage (documents read, requests sent, upserts)");
    for (Stages.Stage s : Stages.ALL) {
      items.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("stage", s.name(), "unit", s.unit()))
              .value(s.items(m))
              .build());
      if (s.timed()) {
        Labels stage = Labels.of("stage", s.name());
        busy.dataPoint(
            CounterDataPointSnapshot.builder().labels(stage).value(s.busySeconds(m)).build());
        operations.dataPoint(
            CounterDataPointSnapshot.builder().labels(stage).value(s.operations(m)).build());
      }
    }
    out.add(items.build());
    out.add(busy.build());
    out.add(operations.build());
    out.add(
        GaugeSnapshot.builder()
            .name(PREFIX + "run_info")
            .help("The running ingest")
            .dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("run_id", runId, "runner", runner))
                    .value(1)
                    .build())
            .build());
    out.add(
        GaugeSnapshot.builder()
            .name(PREFIX + "run_elapsed_seconds")
            .help("Seconds since the ingest started")
            .dataPoint(
                GaugeDataPointSnapshot.builder()
                    .value((System.nanoTime() - startNanos) / 1e9)
                    .build())
            .build());
    out.add(
        GaugeSnapshot.builder()
            .name(PREFIX + "run_finished")
            .help("1 once the pipeline has finished (the figures are final), else 0")
            .dataPoint(GaugeDataPointSnapshot.builder().value(finished ? 1 : 0).build())
            .build());
    return new MetricSnapshots(out);
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
