package dev.qdrantloader.runners.report;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * A pipeline's Beam metrics at one moment, keyed "Owner.name" (the simple name of the metric's
 * namespace, which is the class that counts) and summed over the steps that report them.
 *
 * @param counters counter values
 * @param distributions distribution values
 */
public record MetricsSnapshot(
    Map<String, Long> counters, Map<String, DistributionResult> distributions) {

  /** No metrics. */
  public static final MetricsSnapshot EMPTY = new MetricsSnapshot(Map.of(), Map.of());

  /**
   * The result's metrics: committed values where the runner has them (a finished run), else the
   * attempted ones (a running pipeline, whose attempted values move with every element).
   */
  public static MetricsSnapshot of(PipelineResult result, boolean live) {
    MetricQueryResults q = result.metrics().queryMetrics(MetricsFilter.builder().build());
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      Long value = live ? c.getAttempted() : committedOrAttempted(c);
      if (value != null) {
        counters.merge(key(c), value, Long::sum);
      }
    }
    Map<String, DistributionResult> distributions = new TreeMap<>();
    for (MetricResult<DistributionResult> d : q.getDistributions()) {
      DistributionResult value = live ? d.getAttempted() : committedOrAttempted(d);
      if (value != null && value.getCount() > 0) {
        distributions.merge(key(d), value, MetricsSnapshot::merge);
      }
    }
    return new MetricsSnapshot(counters, distributions);
  }

  /** A counter's value, 0 when it was never incremented. */
  public long counter(String key) {
    return counters.getOrDefault(key, 0L);
  }

  /** A distribution's value, or an empty one. */
  public DistributionResult distribution(String key) {
    return distributions.getOrDefault(key, DistributionResult.IDENTITY_ELEMENT);
  }

  /** The distributions as the run report writes them: {sum, count, min, max}. */
  public Map<String, Map<String, Long>> distributionFigures() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    distributions.forEach(
        (name, d) -> {
          Map<String, Long> figures = new LinkedHashMap<>();
          figures.put("sum", d.getSum());
          figures.put("count", d.getCount());
          figures.put("min", d.getMin());
          figures.put("max", d.getMax());
          out.put(name, figures);
        });
    return out;
  }

  private static String key(MetricResult<?> m) {
    String namespace = m.getName().getNamespace();
    return namespace.substring(namespace.lastIndexOf('.') + 1) + "." + m.getName().getName();
  }

  private static DistributionResult merge(DistributionResult a, DistributionResult b) {
    return DistributionResult.create(
        a.getSum() + b.getSum(),
        a.getCount() + b.getCount(),
        Math.min(a.getMin(), b.getMin()),
        Math.max(a.getMax(), b.getMax()));
  }

  private static <T> T committedOrAttempted(MetricResult<T> m) {
    try {
      return m.getCommitted();
    } catch (UnsupportedOperationException e) {
      return m.getAttempted();
    }
  }
}
