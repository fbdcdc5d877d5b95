package dev.qdrantloader.transforms.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/** A chunk with its embedding vector. The vector array is never modified after construction. */
public record EmbeddedChunk(Chunk chunk, float[] vector) implements Serializable {
  public EmbeddedChunk {
    Objects.requireNonNull(chunk, "chunk");
    Objects.requireNonNull(vector, "vector");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EmbeddedChunk
        && ((EmbeddedChunk) o).chunk.equals(chunk)
        && Arrays.equals(((EmbeddedChunk) o).vector, vector);
  }

  @Override
  public int hashCode() {
    return chunk.hashCode() * 31 + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "EmbeddedChunk[" + chunk.pointId() + ", dim=" + vector.length + "]";
  }
}
