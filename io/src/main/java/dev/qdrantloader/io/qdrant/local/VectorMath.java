package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Collections.Distance;

/**
 * Distance functions as Qdrant defines them; loops unrolled so the JIT keeps several lanes busy.
 */
final class VectorMath {
  private VectorMath() {}

  /** Qdrant stores cosine vectors normalised, so cosine similarity becomes a dot product. */
  static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float[] out = new float[v.length];
    if (sum == 0) {
      return out;
    }
    float inv = (float) (1.0 / Math.sqrt(sum));
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  static float dot(float[] a, float[] b) {
    int n = a.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int end = n - 7; i < end; i += 8) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
      s4 += a[i + 4] * b[i + 4];
      s5 += a[i + 5] * b[i + 5];
      s6 += a[i + 6] * b[i + 6];
      s7 += a[i + 7] * b[i + 7];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  /** Dot product of {@code q} with the row of {@code block} starting at {@code off}. */
  static float dot(float[] q, float[] block, int off) {
    int n = q.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int end = n - 7; i < end; i += 8) {
      int j = off + i;
      s0 += q[i] * block[j];
      s1 += q[i + 1] * block[j + 1];
      s2 += q[i + 2] * block[j + 2];
      s3 += q[i + 3] * block[j + 3];
      s4 += q[i + 4] * block[j + 4];
      s5 += q[i + 5] * block[j + 5];
      s6 += q[i + 6] * block[j + 6];
      s7 += q[i + 7] * block[j + 7];
    }
    for (; i < n; i++) {
      s0 += q[i] * block[off + i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  static float euclid(float[] q, float[] block, int off) {
    float s = 0;
    for (int i = 0; i < q.length; i++) {
      float d = q[i] - block[off + i];
      s += d * d;
    }
    return (float) Math.sqrt(s);
  }

  static float manhattan(float[] q, float[] block, int off) {
    float s = 0;
    for (int i = 0; i < q.length; i++) {
      s += Math.abs(q[i] - block[off + i]);
    }
    return s;
  }

  static float score(Distance distance, float[] query, float[] block, int off) {
    switch (distance) {
      case Euclid:
        return euclid(query, block, off);
      case Manhattan:
        return manhattan(query, block, off);
      default:
        return dot(query, block, off);
    }
  }

  static float euclid(float[] a, float[] b) {
    int n = a.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int end = n - 3; i < end; i += 4) {
      float d0 = a[i] - b[i];
      float d1 = a[i + 1] - b[i + 1];
      float d2 = a[i + 2] - b[i + 2];
      float d3 = a[i + 3] - b[i + 3];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < n; i++) {
      float d = a[i] - b[i];
      s0 += d * d;
    }
    return (float) Math.sqrt((s0 + s1) + (s2 + s3));
  }

  static float manhattan(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs(a[i] - b[i]);
    }
    return s;
  }

  /** The score Qdrant reports: similarity for Cosine and Dot, distance for Euclid and Manhattan. */
  static float score(Distance distance, float[] query, float[] stored) {
    switch (distance) {
      case Euclid:
        return euclid(query, stored);
      case Manhattan:
        return manhattan(query, stored);
      default:
        return dot(query, stored);
    }
  }

  /** True when a larger score is a better match. */
  static boolean higherIsBetter(Distance distance) {
    return distance == Distance.Cosine || distance == Distance.Dot;
  }
}
