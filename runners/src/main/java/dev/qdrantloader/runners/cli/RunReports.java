package dev.qdrantloader.runners.cli;

import dev.qdrantloader.pipelines.config.ConfigPrinter;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.runners.observe.RunMonitor;
import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.runners.report.RunReport;
import dev.qdrantloader.runners.report.TuningAdvice;
import dev.qdrantloader.transforms.model.Failure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.util.ReleaseInfo;

/** Puts a finished ingest's figures together into its {@link RunReport}. */
final class RunReports {
  private RunReports() {}

  static RunReport of(
      String runId,
      Instant started,
      Instant ended,
      RunSummary summary,
      String scope,
      String runner,
      IngestionConfig config,
      List<RunReport.StageFigures> stages,
      MetricsSnapshot metrics,
      RunReport.Timeline timeline,
      RunMonitor monitor,
      RunReport.Settings settings,
      RunReport.ProfileSummary profile,
      String error) {
    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("documents_listed", summary.get("ReadDocuments.documents_listed"));
    totals.put("documents_read", summary.documentsRead());
    totals.put("documents_converted", summary.get("ConvertDocuments.documents_converted"));
    totals.put("chunks", summary.chunks());
    totals.put("failed_documents", summary.failedDocuments());
    summary.outcomes().forEach(totals::putIfAbsent);
    List<RunReport.FailureLine> failures = new ArrayList<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (Failure f : summary.failures()) {
      failures.add(
          new RunReport.FailureLine(f.stage(), f.projectId(), f.source(), f.path(), f.reason()));
      byReason.merge(f.stage() + "\u0000" + f.reasonKind(), 1L, Long::sum);
    }
    List<RunReport.FailureCount> failureCounts = new ArrayList<>();
    byReason.forEach(
        (k, n) -> {
          String[] parts = k.split("\u0000", 2);
          failureCounts.add(new RunReport.FailureCount(parts[0], parts[1], n));
        });
    failureCounts.sort((a, b) -> Long.compare(b.count(), a.count()));
    List<String> warnings = new ArrayList<>();
    if (metrics.counter("ResourceMonitor.heap_warnings") > 0) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "heap after GC above global.resources.max_heap (%s)%s",
              percent(config.resources().maxHeapFraction()),
              workersWarned(metrics.counter("ResourceMonitor.heap_warnings"))));
    }
    if (metrics.counter("ResourceMonitor.cpu_warnings") > 0) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "CPU above global.resources.max_cpu (%s)%s",
              percent(config.resources().maxCpuFraction()),
              workersWarned(metrics.counter("ResourceMonitor.cpu_warnings"))));
    }
    RunReport.Resources resources =
        new RunReport.Resources(
            metrics.counter("ResourceMonitor.throttles"),
            metrics.counter("ResourceMonitor.throttled_millis") / 1000.0,
            warnings,
            monitor == null ? 0 : monitor.peakCpu(),
            monitor == null ? 0 : monitor.peakHeapFraction());
    RunReport report =
        new RunReport(
            RunReport.VERSION,
            runId,
            started.toString(),
            ended.toString(),
            summary.seconds(),
            error != null
                ? "failed"
                : summary.failures().isEmpty() ? "succeeded" : "failed_documents",
            scope,
            runner,
            versions(),
            digest(ConfigPrinter.toYaml(config)),
            settings,
            totals,
            stages,
            metrics.counters(),
            metrics.distributionFigures(),
            failureCounts,
            failures,
            timeline,
            resources,
            List.of(),
            profile,
            error);
    return report.withAdvice(error == null ? TuningAdvice.advise(report) : List.of());
  }

  /** A fraction as the configuration writes it: 0.9 is "90%", 0.0001 is "0.01%". */
  static String percent(double fraction) {
    return new java.math.BigDecimal(Double.toString(fraction * 100))
            .round(new java.math.MathContext(4))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }

  private static String workersWarned(long jvms) {
    return jvms > 1 ? " in " + jvms + " worker JVMs" : "";
  }

  /** qdrant-loader, Beam, Java and OS versions. */
  static Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    String ours = RunReports.class.getPackage().getImplementationVersion();
    v.put("qdrant_loader", ours == null ? "development build" : ours);
    v.put("beam", ReleaseInfo.getReleaseInfo().getVersion());
    v.put("java", System.getProperty("java.runtime.version"));
    v.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    v.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    return v;
  }

  /** "sha256:" and the hex SHA-256 of the text. */
  static String digest(String text) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
