package dev.qdrantloader.transforms.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void defaultsThrottleOnHeapOnly() {
    ResourceLimits d = ResourceLimits.defaults();
    assertEquals(new ResourceLimits(0.9, 1.0, SECOND, Duration.ofSeconds(5)), d);
    assertTrue(d.limitsHeap());
    assertFalse(d.limitsCpu());
  }

  @Test
  void fractionsOutsideZeroToOneAreRefusedNamingTheValue() {
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      IllegalArgumentException heap =
          assertThrows(
              IllegalArgumentException.class,
              () -> new ResourceLimits(bad, 1, SECOND, SECOND),
              "heap " + bad);
      assertEquals(
          "maxHeapFraction must be more than 0 and at most 1 (100%), got " + bad,
          heap.getMessage());
      IllegalArgumentException cpu =
          assertThrows(
              IllegalArgumentException.class,
              () -> new ResourceLimits(0.9, bad, SECOND, SECOND),
              "cpu " + bad);
      assertEquals(
          "maxCpuFraction must be more than 0 and at most 1 (100%), got " + bad, cpu.getMessage());
    }
  }

  @Test
  void durationsAreChecked() {
    assertEquals(
        "sampleInterval must be at least 1 ms, got PT0S",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ResourceLimits(0.9, 1, Duration.ZERO, SECOND))
            .getMessage());
    assertEquals(
        "maxWait must not be negative, got PT-1S",
        assertThrows(
                IllegalArgumentException.class,
                () -> new ResourceLimits(0.9, 1, SECOND, Duration.ofSeconds(-1)))
            .getMessage());
    assertEquals(Duration.ZERO, new ResourceLimits(0.9, 1, SECOND, Duration.ZERO).maxWait());
  }

  @Test
  void percentPrintsTheLimitExactly() {
    assertEquals("90%", ResourceLimits.percent(0.9));
    assertEquals("100%", ResourceLimits.percent(1.0));
    assertEquals("0.5%", ResourceLimits.percent(0.005));
    assertEquals("12.345%", ResourceLimits.percent(0.12345));
  }
}
