package dev.qdrantloader.transforms.embed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of embedding a batch: for input {@code i}, {@code vectors.get(i)} or, when it could
 * not be embedded, {@code failures.get(i)} (the reason, the provider's when it gave one); plus what
 * it cost.
 */
public record EmbeddingBatch(List<float[]> vectors, List<String> failures, CallStats stats) {
  public EmbeddingBatch {
    if (vectors.size() != failures.size()) {
      throw new IllegalArgumentException(
          vectors.size() + " vectors but " + failures.size() + " failure slots");
    }
    for (int i = 0; i < vectors.size(); i++) {
      if ((vectors.get(i) == null) == (failures.get(i) == null)) {
        throw new IllegalArgumentException(
            "input " + i + " needs exactly one of a vector and a failure reason");
      }
    }
    vectors = Collections.unmodifiableList(new ArrayList<>(vectors));
    failures = Collections.unmodifiableList(new ArrayList<>(failures));
  }

  /** Every input embedded. */
  public static EmbeddingBatch of(List<float[]> vectors, CallStats stats) {
    return new EmbeddingBatch(vectors, Collections.nCopies(vectors.size(), null), stats);
  }

  public int size() {
    return vectors.size();
  }
}
