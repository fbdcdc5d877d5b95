package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static HttpHeaders headers(Map<String, List<String>> map) {
    return HttpHeaders.of(map, (k, v) -> true);
  }

  @Test
  void readsRetryAfterInMillisSecondsOrAsADate() {
    long now = 1_700_000_000_000L;
    assertEquals(0, Backoff.retryAfterMillis(headers(Map.of()), now));
    assertEquals(
        1500, Backoff.retryAfterMillis(headers(Map.of("Retry-After", List.of("1.5"))), now));
    assertEquals(
        250,
        Backoff.retryAfterMillis(
            headers(Map.of("retry-after-ms", List.of("250"), "Retry-After", List.of("9"))), now));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochMilli(now + 7000).atOffset(ZoneOffset.UTC));
    assertEquals(
        7000, Backoff.retryAfterMillis(headers(Map.of("Retry-After", List.of(date))), now));
    assertEquals(0, Backoff.retryAfterMillis(headers(Map.of("Retry-After", List.of("soon"))), now));
  }

  @Test
  void fullJitterUnderADoublingCappedCeiling() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    long[] max = new long[6];
    for (int i = 0; i < 2000; i++) {
      for (int retry = 0; retry < max.length; retry++) {
        long d = backoff.delayMillis(retry);
        assertTrue(d >= 0 && d <= Math.min(1000, 100L << retry), retry + ": " + d);
        max[retry] = Math.max(max[retry], d);
      }
    }
    assertTrue(max[0] > 80 && max[2] > 320 && max[5] > 800, java.util.Arrays.toString(max));
  }
}
