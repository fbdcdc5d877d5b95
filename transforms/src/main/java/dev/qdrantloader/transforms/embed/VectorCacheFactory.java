package dev.qdrantloader.transforms.embed;

import java.io.Serializable;

/** Serializable recipe for a {@link VectorCache}; returns the JVM's shared instance. */
public interface VectorCacheFactory extends Serializable {
  VectorCache open();
}
