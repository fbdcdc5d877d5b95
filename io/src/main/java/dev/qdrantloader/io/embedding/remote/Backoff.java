package dev.qdrantloader.io.embedding.remote;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to retry: exponential backoff with full jitter (a uniform draw up to {@code base * 2^n},
 * capped), and the provider's own wait from {@code retry-after-ms} or {@code Retry-After} (seconds
 * or an HTTP date), which a retry never precedes.
 */
final class Backoff {
  private final long baseMillis;
  private final long capMillis;

  Backoff(Duration base, Duration cap) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.capMillis = Math.max(baseMillis, cap.toMillis());
  }

  /** The wait before retry number {@code retry + 1} (0-based {@code retry}). */
  long delayMillis(int retry) {
    long ceiling = retry >= 30 ? capMillis : Math.min(capMillis, baseMillis << retry);
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  /** The provider's requested wait in milliseconds, 0 when it named none (or one in the past). */
  static long retryAfterMillis(HttpHeaders headers, long nowEpochMillis) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        return Math.max(0, (long) Math.ceil(Double.parseDouble(ms.get().strip())));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    Optional<String> value = headers.firstValue("retry-after");
    if (value.isEmpty()) {
      return 0;
    }
    String v = value.get().strip();
    try {
      return Math.max(0, (long) Math.ceil(Double.parseDouble(v) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        long at =
            ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - nowEpochMillis);
      } catch (DateTimeParseException notADate) {
        return 0;
      }
    }
  }
}
