package dev.qdrantloader.transforms.embed;

import java.io.Serializable;

/**
 * The shape of embedding requests: at most {@code maxInputs} inputs and {@code maxTokens} tokens
 * per request, and at most {@code maxInFlight} requests in flight from one caller (one DoFn
 * instance).
 */
public record BatchLimits(int maxInputs, long maxTokens, int maxInFlight) implements Serializable {
  /** No limit from the embedder: the transform's batch size decides alone, one call at a time. */
  public static final BatchLimits UNBOUNDED = new BatchLimits(Integer.MAX_VALUE, Long.MAX_VALUE, 1);

  public BatchLimits {
    if (maxInputs < 1 || maxTokens < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException(
          "limits must be at least 1, got inputs="
              + maxInputs
              + " tokens="
              + maxTokens
              + " in flight="
              + maxInFlight);
    }
  }
}
