package dev.qdrantloader.runners.cli;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** A DirectRunner pipeline tuned for real runs, and the run's counters afterwards. */
final class DirectRun {
  private DirectRun() {}

  static Pipeline create() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setTargetParallelism(Math.max(2, Runtime.getRuntime().availableProcessors()));
    // Checks meant for tests: they copy and re-encode every element.
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    options.setBlockOnRun(true);
    return Pipeline.create(options);
  }

  /** Counters by "SimpleOwnerName.counter", summed over steps. */
  static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> out = new HashMap<>();
    for (MetricResult<Long> c :
        result.metrics().queryMetrics(MetricsFilter.builder().build()).getCounters()) {
      String namespace = c.getName().getNamespace();
      String owner = namespace.substring(namespace.lastIndexOf('.') + 1);
      long value = attempted(c);
      out.merge(owner + "." + c.getName().getName(), value, Long::sum);
    }
    return out;
  }

  private static long attempted(MetricResult<Long> c) {
    try {
      return c.getCommitted();
    } catch (UnsupportedOperationException e) {
      return c.getAttempted();
    }
  }
}
