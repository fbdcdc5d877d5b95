package dev.qdrantloader.transforms.chunk;

import java.io.Serializable;

/**
 * Serializable recipe for a {@link TokenCounter}: DoFns hold the factory and create (or fetch a
 * per-JVM cached) counter in {@code @Setup}.
 */
public interface TokenCounterFactory extends Serializable {
  TokenCounter create();
}
