package dev.qdrantloader.transforms.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResourceMonitorTest {
  private static final long GIB = 1L << 30;

  /** Time that passes only when the monitor sleeps, so waits are exact and the test never waits. */
  private static final class FakeTicker implements ResourceMonitor.Ticker {
    long now = 1_000_000_000L;
    int sleeps;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      sleeps++;
      now += nanos;
    }
  }

  /** Readings in order; the last one repeats. Counts how often it was read. */
  private static final class ScriptedGauges implements ResourceMonitor.Gauges {
    final Deque<ResourceMonitor.Reading> next = new ArrayDeque<>();
    int reads;

    ScriptedGauges(ResourceMonitor.Reading... readings) {
      next.addAll(List.of(readings));
    }

    @Override
    public ResourceMonitor.Reading read() {
      reads++;
      return next.size() > 1 ? next.poll() : next.peek();
    }
  }

  private static ResourceMonitor.Reading heap(double fraction) {
    return new ResourceMonitor.Reading((long) (fraction * 3 * GIB), 3 * GIB, true, 0.1, 2);
  }

  private static ResourceMonitor.Reading cpu(double fraction) {
    return new ResourceMonitor.Reading(GIB / 10, 3 * GIB, true, fraction, 2);
  }

  private static ResourceLimits limits(double heap, double cpu, long intervalMs, long maxWaitMs) {
    return new ResourceLimits(
        heap, cpu, Duration.ofMillis(intervalMs), Duration.ofMillis(maxWaitMs));
  }

  private final FakeTicker ticker = new FakeTicker();
  private final List<String> warnings = new ArrayList<>();

  private ResourceMonitor monitor(ResourceLimits limits, ScriptedGauges gauges) {
    return new ResourceMonitor(limits, gauges, ticker, warnings::add);
  }

  @Test
  void heapOverTheLimitMakesAnItemWaitTheMaxWaitThenLetsItThrough() {
    ResourceMonitor m = monitor(limits(0.01, 1.0, 100, 1000), new ScriptedGauges(heap(0.5)));

    assertEquals(Duration.ofSeconds(1), m.awaitHeadroom());
    assertEquals(10, ticker.sleeps);
  }

  @Test
  void aLowHeapLimitWarnsOnceHoweverManyItemsWait() {
    ScriptedGauges gauges = new ScriptedGauges(heap(0.93));
    ResourceMonitor m = monitor(limits(0.9, 1.0, 100, 300), gauges);

    for (int i = 0; i < 50; i++) {
      assertEquals(Duration.ofMillis(300), m.awaitHeadroom());
    }

    assertEquals(
        List.of(
            "heap 93% of 3.0 GiB in use after the last GC is above global.resources.max_heap"
                + " (90%): slowing intake, each item waits up to 300ms"
                + " (global.resources.max_wait) for headroom"),
        warnings);
    assertTrue(gauges.reads > 50, "re-read while waiting: " + gauges.reads);
  }

  @Test
  void anItemUnderTheLimitsGoesThroughAtOnce() {
    ResourceMonitor m = monitor(ResourceLimits.defaults(), new ScriptedGauges(heap(0.85)));

    assertEquals(Duration.ZERO, m.awaitHeadroom());
    assertEquals(0, ticker.sleeps);
    assertEquals(List.of(), warnings);
  }

  @Test
  void anItemStopsWaitingWhenHeadroomReturns() {
    ResourceMonitor m =
        monitor(
            limits(0.9, 1.0, 200, 5000),
            new ScriptedGauges(heap(0.95), heap(0.95), heap(0.95), heap(0.6)));

    assertEquals(Duration.ofMillis(600), m.awaitHeadroom());
    assertEquals(Duration.ZERO, m.awaitHeadroom());
  }

  @Test
  void readingsAreTakenAtMostOncePerSampleInterval() {
    ScriptedGauges gauges = new ScriptedGauges(heap(0.2));
    ResourceMonitor m = monitor(limits(0.9, 1.0, 1000, 5000), gauges);

    for (int i = 0; i < 100; i++) {
      m.awaitHeadroom();
    }
    assertEquals(1, gauges.reads);
    ticker.now += Duration.ofSeconds(1).toNanos();
    m.awaitHeadroom();
    assertEquals(2, gauges.reads);
  }

  @Test
  void cpuOverItsLimitWarnsOnceAndSlowsIntake() {
    ResourceMonitor m = monitor(limits(0.9, 0.5, 100, 400), new ScriptedGauges(cpu(0.97)));

    assertEquals(Duration.ofMillis(400), m.awaitHeadroom());
    assertEquals(Duration.ofMillis(400), m.awaitHeadroom());

    assertEquals(
        List.of(
            "process CPU 97% of 2 cores is above global.resources.max_cpu (50%): slowing intake,"
                + " each item waits up to 400ms (global.resources.max_wait) for headroom"),
        warnings);
  }

  @Test
  void limitsOfAHundredPercentNeverThrottle() {
    ResourceMonitor m =
        monitor(
            limits(1.0, 1.0, 100, 5000),
            new ScriptedGauges(new ResourceMonitor.Reading(3 * GIB, 3 * GIB, true, 1.0, 2)));

    assertEquals(Duration.ZERO, m.awaitHeadroom());
    assertEquals(List.of(), warnings);
  }

  @Test
  void aMaxWaitOfZeroOnlyWarns() {
    ResourceMonitor m = monitor(limits(0.5, 1.0, 100, 0), new ScriptedGauges(heap(0.75)));

    assertEquals(Duration.ZERO, m.awaitHeadroom());
    assertEquals(0, ticker.sleeps);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).endsWith("intake is not slowed (global.resources.max_wait is 0)"));
  }

  @Test
  void beforeTheFirstCollectionTheWarningSaysSo() {
    ResourceMonitor m =
        monitor(
            limits(0.1, 1.0, 100, 100),
            new ScriptedGauges(new ResourceMonitor.Reading(200L << 20, 512L << 20, false, 0, 1)));

    m.awaitHeadroom();

    assertTrue(
        warnings.get(0).startsWith("heap 39% of 512 MiB in use (no GC yet) is above"),
        warnings.get(0));
  }

  @Test
  void anInterruptEndsTheWaitAndKeepsTheFlag() {
    ResourceMonitor m = monitor(limits(0.01, 1.0, 100, 5000), new ScriptedGauges(heap(0.5)));

    Thread.currentThread().interrupt();
    try {
      assertEquals(Duration.ZERO, m.awaitHeadroom());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void theJvmsGaugesReadThisHeapAndCpu() {
    JvmGauges gauges = new JvmGauges();
    ResourceMonitor.Reading first = gauges.read();
    ResourceMonitor.Reading second = gauges.read();

    assertTrue(second.heapMaxBytes() >= Runtime.getRuntime().maxMemory(), second.toString());
    assertTrue(second.heapUsedBytes() > 0, second.toString());
    assertTrue(second.heapFraction() < 1, second.toString());
    assertEquals(0.0, first.cpuFraction());
    assertTrue(second.cpuFraction() >= 0 && second.cpuFraction() <= 1, second.toString());
    assertEquals(Runtime.getRuntime().availableProcessors(), second.cores());
  }

  @Test
  void aForcedLowHeapLimitThrottlesThisJvmOnTheRealClock() {
    // Any JVM running tests holds more than 0.01% of its heap.
    ResourceMonitor m =
        ResourceMonitor.forRun(UUID.randomUUID().toString(), limits(0.0001, 1.0, 20, 300));

    long start = System.nanoTime();
    Duration waited = m.awaitHeadroom();
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(waited.toMillis() >= 240, "waited " + waited);
    assertTrue(elapsedMillis >= 240, "elapsed " + elapsedMillis + " ms");
  }

  @Test
  void oneMonitorPerRunAndLimits() {
    ResourceLimits limits = ResourceLimits.defaults();
    ResourceMonitor a = ResourceMonitor.forRun("run-a", limits);
    assertSame(a, ResourceMonitor.forRun("run-a", limits));
    assertTrue(a != ResourceMonitor.forRun("run-b", limits));
  }
}
