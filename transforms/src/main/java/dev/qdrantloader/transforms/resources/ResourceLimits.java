package dev.qdrantloader.transforms.resources;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * When intake slows down for lack of memory or CPU, read by {@link ResourceMonitor}.
 *
 * @param maxHeapFraction the share of the maximum heap that may stay in use after garbage
 *     collection, in (0, 1]; 1 never throttles on heap
 * @param maxCpuFraction the share of all the JVM's cores the process may keep busy, in (0, 1]; 1
 *     never throttles on CPU
 * @param sampleInterval how often readings are taken, and how often a waiting item looks again;
 *     positive
 * @param maxWait the longest one item waits for headroom before it is let through anyway (so a run
 *     whose live data keeps the heap high still finishes); 0 only warns
 */
public record ResourceLimits(
    double maxHeapFraction, double maxCpuFraction, Duration sampleInterval, Duration maxWait)
    implements Serializable {
  /** Heap still in use after a collection at 90% of the maximum is close to running out. */
  public static final double DEFAULT_MAX_HEAP_FRACTION = 0.9;

  /** A busy CPU is the point of a batch run, so by default it never slows intake. */
  public static final double DEFAULT_MAX_CPU_FRACTION = 1.0;

  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);

  public ResourceLimits {
    checkFraction("maxHeapFraction", maxHeapFraction);
    checkFraction("maxCpuFraction", maxCpuFraction);
    Objects.requireNonNull(sampleInterval, "sampleInterval");
    Objects.requireNonNull(maxWait, "maxWait");
    if (sampleInterval.isNegative() || sampleInterval.toMillis() < 1) {
      throw new IllegalArgumentException(
          "sampleInterval must be at least 1 ms, got " + sampleInterval);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
    }
  }

  private static void checkFraction(String name, double value) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be more than 0 and at most 1 (100%), got " + value);
    }
  }

  /** Heap 90% after GC, CPU never, a reading a second, at most 5 s of waiting per item. */
  public static ResourceLimits defaults() {
    return new ResourceLimits(
        DEFAULT_MAX_HEAP_FRACTION,
        DEFAULT_MAX_CPU_FRACTION,
        DEFAULT_SAMPLE_INTERVAL,
        DEFAULT_MAX_WAIT);
  }

  /** Whether the heap can slow intake at all (a reading never exceeds the whole heap). */
  public boolean limitsHeap() {
    return maxHeapFraction < 1;
  }

  /** Whether CPU can slow intake at all (a reading never exceeds all the cores). */
  public boolean limitsCpu() {
    return maxCpuFraction < 1;
  }

  /** A limit as people write it, exactly: 0.9 as {@code 90%}, 0.005 as {@code 0.5%}. */
  public static String percent(double fraction) {
    return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString()
        + "%";
  }
}
