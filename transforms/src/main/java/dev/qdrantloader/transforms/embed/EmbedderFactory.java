package dev.qdrantloader.transforms.embed;

import java.io.Serializable;

/**
 * Serializable recipe for an {@link Embedder}; DoFns create (or fetch a per-JVM cached) embedder in
 * {@code @Setup}. Also the seam tests use for a deterministic embedder.
 */
public interface EmbedderFactory extends Serializable {
  Embedder create();

  /**
   * Stable description for logs and run reports (never secrets), which also names the vector space:
   * two factories with the same description make the same vector for the same text (provider, model
   * and dimensions), so cached vectors are keyed by it.
   */
  String describe();
}
