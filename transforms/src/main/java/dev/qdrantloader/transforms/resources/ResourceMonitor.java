package dev.qdrantloader.transforms.resources;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows intake while the JVM is short of heap or CPU ({@link ResourceLimits}). Intake calls {@link
 * #awaitHeadroom()} before taking each item: over a limit, the item waits, looking again every
 * sample interval, until there is headroom or it has waited the longest allowed, and then goes
 * through anyway. The first time a limit is passed the monitor logs one warning per kind.
 *
 * <p>Heap is measured as what is still in use after the latest garbage collection (before the first
 * collection: what is in use), against the maximum heap; see {@link JvmGauges}. CPU is the
 * process's CPU time over the wall time since the previous reading, as a share of all cores.
 *
 * <p>One monitor per run and JVM ({@link #forRun}), shared by every DoFn instance and thread, so a
 * worker warns once however the runner spreads the work. Readings are taken on the calling thread,
 * at most once per sample interval: there is no thread to start or stop (teardown is not called
 * reliably on every runner, and Spark sets DoFns up per task), and nothing is sampled while nothing
 * asks. Metrics (namespace {@code ResourceMonitor}), counted on the calling DoFn thread: counters
 * {@code throttles} (items that waited), {@code throttled_millis}, {@code heap_warnings} and {@code
 * cpu_warnings} (1 per JVM that warned); distributions {@code heap_percent} and {@code cpu_percent}
 * (the reading each item saw at intake).
 */
public final class ResourceMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(ResourceMonitor.class);

  /**
   * The JVM at one moment.
   *
   * @param heapUsedBytes heap in use after the latest garbage collection, or now when there was
   *     none yet
   * @param heapMaxBytes the most heap the JVM may use
   * @param afterGc whether {@code heapUsedBytes} is as a collection left it
   * @param cpuFraction the process's share of all cores since the previous reading, 0 to 1 (0 for
   *     the first reading)
   * @param cores the cores the JVM may use
   */
  public record Reading(
      long heapUsedBytes, long heapMaxBytes, boolean afterGc, double cpuFraction, int cores) {
    public double heapFraction() {
      return heapMaxBytes <= 0 ? 0 : (double) heapUsedBytes / heapMaxBytes;
    }
  }

  /** Takes readings: the JVM's own ({@link JvmGauges}), or a script in tests. */
  interface Gauges {
    Reading read();
  }

  /** Time and sleep: the system's, or a fake clock in tests. */
  interface Ticker {
    long nanoTime();

    void sleep(long nanos) throws InterruptedException;

    Ticker SYSTEM =
        new Ticker() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void sleep(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
          }
        };
  }

  /** The latest runs' monitors (a JVM normally holds one run; tests run several). */
  private static final Map<String, ResourceMonitor> BY_RUN =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ResourceMonitor> eldest) {
          return size() > 8;
        }
      };

  private final Counter throttles = Metrics.counter(ResourceMonitor.class, "throttles");
  private final Counter throttledMillis =
      Metrics.counter(ResourceMonitor.class, "throttled_millis");
  private final Counter heapWarnings = Metrics.counter(ResourceMonitor.class, "heap_warnings");
  private final Counter cpuWarnings = Metrics.counter(ResourceMonitor.class, "cpu_warnings");
  private final Distribution heapSeen = Metrics.distribution(ResourceMonitor.class, "heap_percent");
  private final Distribution cpuSeen = Metrics.distribution(ResourceMonitor.class, "cpu_percent");

  private final ResourceLimits limits;
  private final Gauges gauges;
  private final Ticker ticker;
  private final Consumer<String> warnings;
  private final long intervalNanos;
  private final long maxWaitNanos;

  // Guarded by this.
  private Reading last;
  private long sampledAt;
  private boolean heapWarned;
  private boolean cpuWarned;

  ResourceMonitor(ResourceLimits limits, Gauges gauges, Ticker ticker, Consumer<String> warnings) {
    this.limits = limits;
    this.gauges = gauges;
    this.ticker = ticker;
    this.warnings = warnings;
    this.intervalNanos = limits.sampleInterval().toNanos();
    this.maxWaitNanos = limits.maxWait().toNanos();
  }

  /**
   * The JVM's monitor for {@code run} (an id of one pipeline run, so a JVM running several, tests
   * for one, warns and counts in each) under {@code limits}; created on first use.
   */
  public static ResourceMonitor forRun(String run, ResourceLimits limits) {
    if (run == null || limits == null) {
      throw new IllegalArgumentException("run and limits must not be null");
    }
    synchronized (BY_RUN) {
      return BY_RUN.computeIfAbsent(
          run + "#" + limits,
          k -> new ResourceMonitor(limits, new JvmGauges(), Ticker.SYSTEM, LOG::warn));
    }
  }

  public ResourceLimits limits() {
    return limits;
  }

  /**
   * Waits while the heap or CPU is over its limit, at most the limits' {@code maxWait}; returns how
   * long it waited (zero when there was headroom). An interrupt ends the wait, flag kept.
   */
  public Duration awaitHeadroom() {
    long start = ticker.nanoTime();
    Reading r = reading();
    heapSeen.update(Math.round(r.heapFraction() * 100));
    cpuSeen.update(Math.round(r.cpuFraction() * 100));
    long waited = 0;
    while (waited < maxWaitNanos && isOver(r)) {
      try {
        ticker.sleep(Math.min(intervalNanos, maxWaitNanos - waited));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        waited = ticker.nanoTime() - start;
        break;
      }
      waited = ticker.nanoTime() - start;
      r = reading();
    }
    if (waited > 0) {
      throttles.inc();
      throttledMillis.inc(TimeUnit.NANOSECONDS.toMillis(waited));
    }
    return Duration.ofNanos(waited);
  }

  private boolean isOver(Reading r) {
    return heapOver(r) || cpuOver(r);
  }

  private boolean heapOver(Reading r) {
    return limits.limitsHeap() && r.heapFraction() > limits.maxHeapFraction();
  }

  private boolean cpuOver(Reading r) {
    return limits.limitsCpu() && r.cpuFraction() > limits.maxCpuFraction();
  }

  /** The latest reading, taken now when the last one is a sample interval old. */
  private synchronized Reading reading() {
    long now = ticker.nanoTime();
    if (last != null && now - sampledAt < intervalNanos) {
      return last;
    }
    last = gauges.read();
    sampledAt = now;
    if (!heapWarned && heapOver(last)) {
      heapWarned = true;
      heapWarnings.inc();
      warnings.accept(heapWarning(last));
    }
    if (!cpuWarned && cpuOver(last)) {
      cpuWarned = true;
      cpuWarnings.inc();
      warnings.accept(cpuWarning(last));
    }
    return last;
  }

  private String heapWarning(Reading r) {
    return "heap "
        + rounded(r.heapFraction())
        + " of "
        + bytes(r.heapMaxBytes())
        + (r.afterGc() ? " in use after the last GC" : " in use (no GC yet)")
        + " is above global.resources.max_heap ("
        + ResourceLimits.percent(limits.maxHeapFraction())
        + ")"
        + consequence();
  }

  private String cpuWarning(Reading r) {
    return "process CPU "
        + rounded(r.cpuFraction())
        + " of "
        + r.cores()
        + (r.cores() == 1 ? " core" : " cores")
        + " is above global.resources.max_cpu ("
        + ResourceLimits.percent(limits.maxCpuFraction())
        + ")"
        + consequence();
  }

  private String consequence() {
    if (maxWaitNanos == 0) {
      return "; intake is not slowed (global.resources.max_wait is 0)";
    }
    return ": slowing intake, each item waits up to "
        + duration(limits.maxWait())
        + " (global.resources.max_wait) for headroom";
  }

  private static String rounded(double fraction) {
    double p = fraction * 100;
    return p < 10
        ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }

  private static String bytes(long n) {
    return n >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MiB", n >> 20);
  }

  private static String duration(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
