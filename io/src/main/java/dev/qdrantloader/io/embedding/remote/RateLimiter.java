package dev.qdrantloader.io.embedding.remote;

import java.time.Duration;

/**
 * Requests-per-period and tokens-per-period limits as token buckets, plus a hold (a provider's
 * Retry-After) that delays every request. Never blocks: {@link #reserve} books the earliest start
 * and returns it; the caller schedules the request for then.
 *
 * <p>Each bucket has capacity {@code C = limit / 6} and refills at {@code (limit - C)} per period
 * stretched by 5%, so the requests (or tokens) started in any window of one period stay below the
 * limit, with slack for the time between the booked start and the provider seeing the request. Both
 * buckets are booked at the same start, so neither is spent before its time.
 */
final class RateLimiter {
  private final Bucket requests;
  private final Bucket tokens;
  private boolean held;
  private long holdUntil;

  /**
   * @param rpm requests per period, 0 for none
   * @param tpm tokens per period, 0 for none
   * @param period the window the limits count in (a minute in production)
   */
  RateLimiter(int rpm, long tpm, Duration period, long nowNanos) {
    long periodNanos = period.toNanos();
    this.requests = rpm > 0 ? new Bucket(rpm, periodNanos, nowNanos) : null;
    this.tokens = tpm > 0 ? new Bucket(tpm, periodNanos, nowNanos) : null;
  }

  /**
   * The most tokens one request may cost: the token bucket's capacity, or {@code Long.MAX_VALUE}
   * without a token limit.
   */
  long tokenCapacity() {
    return tokens == null ? Long.MAX_VALUE : (long) tokens.capacity;
  }

  /**
   * Books a request of {@code tokenCost} tokens (at most {@link #tokenCapacity()}) and returns when
   * it may start, in {@link System#nanoTime()} terms: {@code nowNanos} or later.
   */
  synchronized long reserve(long tokenCost, long nowNanos) {
    long start = nowNanos;
    if (held && holdUntil - start > 0) {
      start = holdUntil;
    }
    // Levels only grow with time, so the later of the two earliest starts suits both buckets.
    if (requests != null) {
      start = requests.earliest(1, start);
    }
    if (tokens != null) {
      start = tokens.earliest(tokenCost, start);
    }
    if (requests != null) {
      requests.take(1, start);
    }
    if (tokens != null) {
      tokens.take(tokenCost, start);
    }
    return start;
  }

  /** Holds every request not yet started until {@code untilNanos} (a 429's Retry-After). */
  synchronized void holdUntil(long untilNanos) {
    if (!held || untilNanos - holdUntil > 0) {
      held = true;
      holdUntil = untilNanos;
    }
  }

  /** A token bucket whose last booking may lie in the future. */
  private static final class Bucket {
    final double capacity;
    final double perNano;
    double level;
    long at;

    Bucket(long limit, long periodNanos, long nowNanos) {
      capacity = Math.max(1, limit / 6);
      // At least half a unit per period keeps a limit of 1 moving without ever allowing 2.
      double refill = Math.max(limit - capacity, 0.5);
      perNano = refill / (periodNanos * 1.05);
      level = capacity;
      at = nowNanos;
    }

    private double levelAt(long t) {
      return Math.min(capacity, level + perNano * (t - at));
    }

    long earliest(double cost, long from) {
      long t0 = at - from > 0 ? at : from;
      double lvl = levelAt(t0);
      if (lvl >= cost) {
        return t0;
      }
      return t0 + (long) Math.ceil((cost - lvl) / perNano);
    }

    void take(double cost, long t) {
      level = levelAt(t) - cost;
      at = t;
    }
  }
}
