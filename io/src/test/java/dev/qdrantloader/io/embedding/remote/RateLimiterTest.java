package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The token buckets on a simulated clock: no window of one period ever holds more than the limit.
 */
class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;

  /** The most units started within any window of {@code period} (half-open, like the server). */
  private static long maxInWindow(List<long[]> starts, long period) {
    starts.sort((a, b) -> Long.compare(a[0], b[0]));
    long max = 0;
    long sum = 0;
    int from = 0;
    for (long[] s : starts) {
      sum += s[1];
      while (s[0] - starts.get(from)[0] >= period) {
        sum -= starts.get(from)[1];
        from++;
      }
      max = Math.max(max, sum);
    }
    return max;
  }

  @Test
  void requestsPerPeriodStayUnderTheLimitAndApproachIt() {
    RateLimiter limiter = new RateLimiter(60, 0, Duration.ofSeconds(1), 0);
    List<long[]> starts = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      starts.add(new long[] {limiter.reserve(1, 0), 1}); // all asked for at once
    }
    long max = maxInWindow(starts, SECOND);
    assertTrue(max <= 60, "max " + max);
    assertTrue(max >= 55, "the limit is approached: max " + max);
    long last = starts.get(starts.size() - 1)[0];
    // 590 after the initial burst of 10, at 50 per 1.05 s.
    assertEquals(590 / 50.0 * 1.05, last / (double) SECOND, 0.05);
  }

  @Test
  void tokensPerPeriodStayUnderTheLimitWithRandomArrivalsAndCosts() {
    Random random = new Random(7);
    RateLimiter limiter = new RateLimiter(0, 6000, Duration.ofSeconds(1), 0);
    assertEquals(1000, limiter.tokenCapacity());
    List<long[]> starts = new ArrayList<>();
    long now = 0;
    long total = 0;
    for (int i = 0; i < 2000; i++) {
      now += (long) (random.nextDouble() * SECOND / 100);
      long cost = 1 + random.nextInt(1000);
      long start = limiter.reserve(cost, now);
      assertTrue(start >= now);
      starts.add(new long[] {start, cost});
      total += cost;
    }
    long max = maxInWindow(starts, SECOND);
    assertTrue(max <= 6000, "max " + max);
    assertTrue(max >= 5000, "the limit is approached: max " + max + " of " + total);
  }

  @Test
  void bothLimitsAtOnceAndALimitOfOne() {
    RateLimiter both = new RateLimiter(12, 1200, Duration.ofSeconds(1), 0);
    List<long[]> requests = new ArrayList<>();
    List<long[]> tokens = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long cost = i % 3 == 0 ? 200 : 10;
      long start = both.reserve(cost, i * SECOND / 50);
      requests.add(new long[] {start, 1});
      tokens.add(new long[] {start, cost});
    }
    assertTrue(maxInWindow(requests, SECOND) <= 12);
    assertTrue(maxInWindow(tokens, SECOND) <= 1200);

    RateLimiter one = new RateLimiter(1, 0, Duration.ofSeconds(1), 0);
    List<long[]> starts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      starts.add(new long[] {one.reserve(1, 0), 1});
    }
    assertEquals(1, maxInWindow(starts, SECOND));
  }

  @Test
  void aHoldDelaysEveryLaterStart() {
    RateLimiter limiter = new RateLimiter(0, 0, Duration.ofSeconds(1), 0);
    assertEquals(5, limiter.reserve(1, 5));
    limiter.holdUntil(3 * SECOND);
    limiter.holdUntil(2 * SECOND); // an earlier hold does not shorten it
    assertEquals(3 * SECOND, limiter.reserve(1, 10));
    assertEquals(4 * SECOND, limiter.reserve(1, 4 * SECOND));
    assertEquals(Long.MAX_VALUE, limiter.tokenCapacity());
  }
}
