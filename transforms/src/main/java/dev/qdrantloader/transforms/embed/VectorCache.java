package dev.qdrantloader.transforms.embed;

/**
 * A persistent store of vectors already computed, keyed by a hash of the vector space (provider,
 * model, dimensions) and the text, shared by every DoFn instance in a JVM. Implementations are
 * thread-safe; a store that cannot answer returns null rather than failing the run.
 */
public interface VectorCache extends AutoCloseable {
  /** The vector stored under the key, or null. */
  float[] get(String key);

  void put(String key, float[] vector);

  /** Makes what was put durable. */
  void flush();

  @Override
  default void close() {
    flush();
  }
}
