package dev.qdrantloader.runners.report;

import java.util.Locale;

/** How advice writes figures and the knobs outside the YAML (JVM options, the launcher). */
final class AdviceText {
  private AdviceText() {}

  /** The heap the launcher gives when {@code QDRANT_LOADER_JAVA_OPTS} is not set. */
  static final String LAUNCHER_HEAP = "4g";

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  /** 1,240 */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** 1,240 (rounded) */
  static String count(double n) {
    return String.format(Locale.ROOT, "%,.0f", n);
  }

  /** A ratio as a percentage: 94%, or 4.6% under 10%. */
  static String percent(double ratio) {
    double p = ratio * 100;
    return p < 10
        ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }

  /** 3.8 */
  static String decimal(double x) {
    return String.format(Locale.ROOT, "%.1f", x);
  }

  /** A fraction as the configuration writes it: 0.85, 0.9. */
  static String fraction(double x) {
    return java.math.BigDecimal.valueOf(x)
        .setScale(2, java.math.RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  /** A duration as the configuration writes it: 60s, 1.5s. */
  static String configSeconds(double seconds) {
    return seconds == Math.rint(seconds)
        ? String.format(Locale.ROOT, "%.0fs", seconds)
        : String.format(Locale.ROOT, "%.1fs", seconds);
  }

  /** A heap size as -Xmx takes it: 4g, 1536m. */
  static String heap(long bytes) {
    double gib = (double) bytes / GIB;
    long whole = Math.round(gib);
    // Runtime.maxMemory() may leave out a survivor space: 4g can read as 3.8 GiB.
    if (whole >= 1 && Math.abs(gib - whole) / whole < 0.05) {
      return whole + "g";
    }
    return Math.round((double) bytes / MIB) + "m";
  }

  /** Twice the heap, in whole GiB: what heap advice suggests. */
  static String doubledHeap(long bytes) {
    return Math.max(2, (long) Math.ceil(2.0 * bytes / GIB)) + "g";
  }

  /**
   * The launcher's JVM options with {@code extra} added: setting {@code QDRANT_LOADER_JAVA_OPTS}
   * replaces the default {@code -Xmx4g}, so the run's heap is written back in.
   */
  static String javaOpts(RunReport.Settings s, String extra) {
    String heap = s.maxHeapBytes() > 0 ? heap(s.maxHeapBytes()) : LAUNCHER_HEAP;
    return "QDRANT_LOADER_JAVA_OPTS=\"-Xmx" + heap + " " + extra + "\"";
  }
}
