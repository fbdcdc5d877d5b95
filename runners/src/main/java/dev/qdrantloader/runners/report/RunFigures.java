package dev.qdrantloader.runners.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run report as tuning rules read it: counters, distributions and stages by name, with 0 for what
 * the run did not record, and the settings' questions rules share (remote provider? one JVM?).
 */
final class RunFigures {
  /** A distribution's figures; all 0 when it was not recorded. */
  record Dist(long sum, long count, long min, long max) {
    double mean() {
      return count == 0 ? 0 : (double) sum / count;
    }
  }

  /** One kind of failure as rules match it: the stage, the reason's text and how many. */
  record Failed(String stage, String reason, long count) {}

  private final RunReport report;

  RunFigures(RunReport report) {
    this.report = report;
  }

  /** The settings, or null when the report has none (rules that need them stay silent). */
  RunReport.Settings settings() {
    return report.settings();
  }

  double seconds() {
    return report.seconds();
  }

  /** A counter by "Owner.name", 0 when absent. */
  long counter(String name) {
    Map<String, Long> counters = report.counters();
    Long v = counters == null ? null : counters.get(name);
    return v == null ? 0 : v;
  }

  /** A distribution by "Owner.name". */
  Dist dist(String name) {
    Map<String, Map<String, Long>> all = report.distributions();
    Map<String, Long> d = all == null ? null : all.get(name);
    if (d == null) {
      return new Dist(0, 0, 0, 0);
    }
    return new Dist(
        d.getOrDefault("sum", 0L),
        d.getOrDefault("count", 0L),
        d.getOrDefault("min", 0L),
        d.getOrDefault("max", 0L));
  }

  /** A stage's figures, or null when the report has no such stage. */
  RunReport.StageFigures stage(String name) {
    if (report.stages() == null) {
      return null;
    }
    for (RunReport.StageFigures s : report.stages()) {
      if (name.equals(s.stage())) {
        return s;
      }
    }
    return null;
  }

  /** A stage's share of all stages' busy time, 0 when unknown. */
  double share(String stage) {
    RunReport.StageFigures s = stage(stage);
    return s == null ? 0 : s.shareOfBusy();
  }

  /** A stage's busy seconds summed over threads, 0 when unknown. */
  double busySeconds(String stage) {
    RunReport.StageFigures s = stage(stage);
    return s == null ? 0 : s.busySeconds();
  }

  RunReport.Resources resources() {
    return report.resources();
  }

  /** True when the run embedded with a remote provider. */
  boolean remote() {
    RunReport.Settings s = settings();
    return s != null && s.embeddingProvider() != null && !"local".equals(s.embeddingProvider());
  }

  /** True when the run embedded with a local model. */
  boolean local() {
    RunReport.Settings s = settings();
    return s != null && "local".equals(s.embeddingProvider());
  }

  boolean direct() {
    RunReport.Settings s = settings();
    return s != null && "direct".equals(s.runner());
  }

  boolean sparkLocal() {
    RunReport.Settings s = settings();
    return s != null
        && "spark".equals(s.runner())
        && s.sparkMaster() != null
        && s.sparkMaster().startsWith("local");
  }

  /**
   * The whole pipeline ran in the CLI's JVM (DirectRunner or Spark local): one set of per-JVM
   * limits ({@code max_concurrency}, {@code rpm}), the CLI's heap, and the on-disk cache in use.
   */
  boolean oneJvm() {
    return direct() || sparkLocal();
  }

  /** The failures: every failed document when listed, else the counts by reason. */
  List<Failed> failures() {
    List<Failed> out = new ArrayList<>();
    if (report.failures() != null && !report.failures().isEmpty()) {
      for (RunReport.FailureLine f : report.failures()) {
        out.add(new Failed(f.stage(), f.reason(), 1));
      }
    } else if (report.failureCounts() != null) {
      for (RunReport.FailureCount f : report.failureCounts()) {
        out.add(new Failed(f.stage(), f.reason(), f.count()));
      }
    }
    return out;
  }
}
