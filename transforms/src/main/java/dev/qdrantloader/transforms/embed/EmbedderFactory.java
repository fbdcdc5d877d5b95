package dev.qdrantloader.transforms.embed;

import java.io.Serializable;

/**
 * Serializable recipe for an {@link Embedder}; DoFns create (or fetch a per-JVM cached) embedder in
 * {@code @Setup}. Also the seam tests use for a deterministic embedder.
 */
public interface EmbedderFactory extends Serializable {
  Embedder create();

  /** Stable description for logs and run reports (provider and model; never secrets). */
  String describe();
}
