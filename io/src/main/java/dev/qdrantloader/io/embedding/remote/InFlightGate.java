package dev.qdrantloader.io.embedding.remote;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntSupplier;

/**
 * Bounds the requests in flight without blocking a thread: a task runs at once while fewer than the
 * (changing) limit hold a permit, else it waits in a queue until {@link #release()}. A task that
 * gets a permit must release it exactly once.
 */
final class InFlightGate {
  private final IntSupplier limit;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  InFlightGate(IntSupplier limit) {
    this.limit = limit;
  }

  /** Runs {@code task} holding a permit, now or later; {@code first} puts it ahead of the queue. */
  void submit(Runnable task, boolean first) {
    synchronized (this) {
      if (first) {
        waiting.addFirst(task);
      } else {
        waiting.addLast(task);
      }
    }
    drain();
  }

  void release() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }

  /** Starts waiting tasks while permits are free (also after the limit rose). */
  void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        if (waiting.isEmpty() || inFlight >= limit.getAsInt()) {
          return;
        }
        next = waiting.pollFirst();
        inFlight++;
      }
      next.run();
    }
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
