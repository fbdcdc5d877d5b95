package dev.qdrantloader.io.qdrant.local;

import java.util.ArrayList;
import java.util.List;

/**
 * The k best scored points seen so far, as a binary heap with the worst at the root so a candidate
 * is compared once against it. Equal scores rank by ascending id, which keeps results stable.
 */
final class TopK {
  private final int k;
  private final boolean higherIsBetter;
  private final float[] scores;
  private final StoredPoint[] items;
  private int size;

  TopK(int k, boolean higherIsBetter) {
    this.k = k;
    this.higherIsBetter = higherIsBetter;
    this.scores = new float[k];
    this.items = new StoredPoint[k];
  }

  /** Whether a is a worse result than b. */
  private boolean worse(float sa, StoredPoint a, float sb, StoredPoint b) {
    if (sa != sb) {
      return higherIsBetter ? sa < sb : sa > sb;
    }
    return a.key.compareTo(b.key) > 0;
  }

  /** Fast pre-check on the score alone: can this score enter the heap at all? */
  boolean admits(float score) {
    if (size < k) {
      return true;
    }
    return higherIsBetter ? score >= scores[0] : score <= scores[0];
  }

  void offer(float score, StoredPoint p) {
    if (k == 0) {
      return;
    }
    if (size < k) {
      scores[size] = score;
      items[size] = p;
      siftUp(size++);
    } else if (worse(scores[0], items[0], score, p)) {
      scores[0] = score;
      items[0] = p;
      siftDown(0);
    }
  }

  void addAll(TopK other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.scores[i], other.items[i]);
    }
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(scores[i], items[i], scores[parent], items[parent])) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int worst = i;
      if (l < size && worse(scores[l], items[l], scores[worst], items[worst])) {
        worst = l;
      }
      if (r < size && worse(scores[r], items[r], scores[worst], items[worst])) {
        worst = r;
      }
      if (worst == i) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    StoredPoint p = items[a];
    items[a] = items[b];
    items[b] = p;
  }

  /** A scored point in the final order. */
  static final class Hit {
    final float score;
    final StoredPoint point;

    Hit(float score, StoredPoint point) {
      this.score = score;
      this.point = point;
    }
  }

  /** Best first. */
  List<Hit> sorted() {
    List<Hit> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(new Hit(scores[i], items[i]));
    }
    out.sort(
        (a, b) ->
            worse(a.score, a.point, b.score, b.point)
                ? 1
                : worse(b.score, b.point, a.score, a.point) ? -1 : 0);
    return out;
  }
}
