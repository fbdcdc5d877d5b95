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

  /** True when a larger score is a better match. */
  static boolean higherIsBetter(Distance distance) {
    return distance == Distance.Cosine || distance == Distance.Dot;
  }
}
