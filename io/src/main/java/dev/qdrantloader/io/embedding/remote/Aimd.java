package dev.qdrantloader.io.embedding.remote;

/**
 * Additive increase, multiplicative decrease of the requests in flight and the inputs per request:
 * both start at their configured maximum, halve (to no less than 1) when the provider throttles or
 * does not answer in time, and climb back after successes, never above the maximum.
 *
 * <p>A throttle only lowers the limits if its request was sent after the last decrease: the
 * requests already on the wire answer for the old limits, not the new ones.
 */
final class Aimd {
  private final int maxConcurrency;
  private final int maxInputs;
  private int concurrency;
  private int inputs;
  private int successes;
  private boolean decreased;
  private long lastDecrease;

  Aimd(int maxConcurrency, int maxInputs) {
    this.maxConcurrency = maxConcurrency;
    this.maxInputs = maxInputs;
    this.concurrency = maxConcurrency;
    this.inputs = maxInputs;
  }

  synchronized int concurrency() {
    return concurrency;
  }

  synchronized int inputs() {
    return inputs;
  }

  /**
   * A 429 or a timeout of a request sent at {@code sentNanos}; returns whether the limits went
   * down.
   */
  synchronized boolean onThrottle(long sentNanos, long nowNanos) {
    if (decreased && sentNanos - lastDecrease <= 0) {
      return false;
    }
    concurrency = Math.max(1, concurrency / 2);
    inputs = Math.max(1, inputs / 2);
    successes = 0;
    decreased = true;
    lastDecrease = nowNanos;
    return true;
  }

  /**
   * A request answered with vectors: after as many successes as requests may be in flight, one more
   * request in flight and an eighth of the maximum more inputs. Returns whether they rose.
   */
  synchronized boolean onSuccess() {
    if (concurrency == maxConcurrency && inputs == maxInputs) {
      return false;
    }
    if (++successes < concurrency) {
      return false;
    }
    successes = 0;
    concurrency = Math.min(maxConcurrency, concurrency + 1);
    inputs = Math.min(maxInputs, inputs + Math.max(1, maxInputs / 8));
    return true;
  }
}
