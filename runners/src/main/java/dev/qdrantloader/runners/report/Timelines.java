package dev.qdrantloader.runners.report;

import dev.qdrantloader.runners.report.RunReport.Sample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleBiFunction;

/**
 * A run's timeline as intervals between consecutive samples. The samples are cumulative, so keeping
 * every k-th one (a long run has thousands) averages the rates exactly rather than dropping any.
 */
final class Timelines {
  /** At most this many intervals per chart: enough for 1200 px, small enough for the file. */
  static final int MAX_INTERVALS = 400;

  final double[] from;
  final double[] to;
  private final List<Sample> points;

  Timelines(List<Sample> samples) {
    List<Sample> all = new ArrayList<>();
    if (!samples.isEmpty() && samples.get(0).t() > 0) {
      // Figures are cumulative since the pipeline started: at t = 0 everything was zero.
      all.add(new Sample(0, Map.of(), Map.of(), Map.of(), -1, 0, 0));
    }
    all.addAll(samples);
    int step = Math.max(1, (int) Math.ceil((all.size() - 1) / (double) MAX_INTERVALS));
    points = new ArrayList<>();
    for (int i = 0; i < all.size(); i += step) {
      points.add(all.get(i));
    }
    if (!all.isEmpty() && points.get(points.size() - 1) != all.get(all.size() - 1)) {
      points.add(all.get(all.size() - 1));
    }
    int n = Math.max(points.size() - 1, 0);
    from = new double[n];
    to = new double[n];
    for (int i = 0; i < n; i++) {
      from[i] = points.get(i).t();
      to[i] = points.get(i + 1).t();
    }
  }

  boolean isEmpty() {
    return from.length == 0;
  }

  /** The stage names in the samples, in the order they first appear. */
  Set<String> stages() {
    Set<String> names = new LinkedHashSet<>();
    for (Sample s : points) {
      names.addAll(orEmpty(s.items()).keySet());
      names.addAll(orEmpty(s.operations()).keySet());
    }
    return names;
  }

  /** Items finished per second in each interval. */
  double[] throughput(String stage) {
    return perInterval(
        (a, b) -> {
          double dt = b.t() - a.t();
          return dt > 0 ? (get(b.items(), stage) - get(a.items(), stage)) / dt : Double.NaN;
        });
  }

  /** Mean latency of one operation in each interval, in ms; NaN where none finished. */
  double[] latencyMillis(String stage) {
    return perInterval(
        (a, b) -> {
          double ops = get(b.operations(), stage) - get(a.operations(), stage);
          double busy = get(b.busySeconds(), stage) - get(a.busySeconds(), stage);
          return ops > 0 ? busy / ops * 1000 : Double.NaN;
        });
  }

  /** CPU use at each interval's end, percent of all cores; NaN when unknown. */
  double[] cpuPercent() {
    return perInterval((a, b) -> b.cpuLoad() >= 0 ? b.cpuLoad() * 100 : Double.NaN);
  }

  /** Heap in use at each interval's end, percent of the heap's limit. */
  double[] heapPercent() {
    return perInterval(
        (a, b) -> b.heapMaxBytes() > 0 ? 100.0 * b.heapUsedBytes() / b.heapMaxBytes() : Double.NaN);
  }

  /** The largest heap limit seen, in bytes. */
  long heapMaxBytes() {
    long max = 0;
    for (Sample s : points) {
      max = Math.max(max, s.heapMaxBytes());
    }
    return max;
  }

  static boolean hasData(double[] values) {
    for (double v : values) {
      if (v > 0) {
        return true;
      }
    }
    return false;
  }

  private double[] perInterval(ToDoubleBiFunction<Sample, Sample> f) {
    double[] v = new double[from.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(points.get(i), points.get(i + 1));
    }
    return v;
  }

  private static double get(Map<String, ? extends Number> m, String key) {
    Number n = m == null ? null : m.get(key);
    return n == null ? 0 : n.doubleValue();
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
