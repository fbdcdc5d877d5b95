package dev.qdrantloader.transforms.embed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vectors computed in this JVM, by cache key, least recently used dropped first once they hold more
 * than a byte budget. One per vector space and JVM, shared by every DoFn instance, so identical
 * chunk texts are embedded once however the runner spreads them over threads.
 */
final class MemoryVectorCache {
  /** The latest caches (one per run and vector space; a JVM normally holds one run). */
  private static final Map<String, MemoryVectorCache> BY_SCOPE =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MemoryVectorCache> eldest) {
          return size() > 4;
        }
      };

  /** Per entry: the key string, map entry and array headers, roughly. */
  private static final long ENTRY_OVERHEAD = 200;

  private final long maxBytes;
  private final LinkedHashMap<String, float[]> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;

  MemoryVectorCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The JVM's cache for a run's vector space ({@code scope} names the run, so a JVM running several
   * pipelines, tests for one, does not carry vectors from one to the next); the first caller's
   * budget sizes it.
   */
  static MemoryVectorCache forScope(String scope, long maxBytes) {
    synchronized (BY_SCOPE) {
      return BY_SCOPE.computeIfAbsent(scope, s -> new MemoryVectorCache(maxBytes));
    }
  }

  synchronized float[] get(String key) {
    return entries.get(key);
  }

  synchronized void put(String key, float[] vector) {
    if (maxBytes <= 0) {
      return;
    }
    float[] old = entries.put(key, vector);
    if (old != null) {
      bytes -= cost(old);
    }
    bytes += cost(vector);
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= cost(it.next().getValue());
      it.remove();
    }
  }

  private static long cost(float[] v) {
    return ENTRY_OVERHEAD + 4L * v.length;
  }
}
