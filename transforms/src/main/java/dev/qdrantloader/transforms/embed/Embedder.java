package dev.qdrantloader.transforms.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns texts into vectors. Implementations are thread-safe and may be shared by every DoFn
 * instance in a JVM.
 *
 * <p>Two ways in: {@link #embed} (blocking, one call, throws on failure) and {@link #embedAsync}
 * (what {@link EmbedChunks} uses: returns at once, and the future completes with an outcome per
 * input). The default {@code embedAsync} runs {@code embed} on the calling thread and, when the
 * call fails, retries input by input so only the failing inputs are reported. Remote providers
 * override it with non-blocking calls, rate limits and retries.
 */
public interface Embedder {
  /** One vector per text, in order. Throws on failure. */
  List<float[]> embed(List<String> texts);

  /** Length of every vector. */
  int dimension();

  /**
   * The most tokens (special tokens included) the model embeds from one input; a longer input would
   * be truncated, so callers refuse it instead.
   */
  int maxInputTokens();

  /**
   * How big a request may be and how many may be in flight from one caller, now. Adaptive
   * implementations lower these after throttling and raise them back, never above their
   * configuration.
   */
  default BatchLimits limits() {
    return BatchLimits.UNBOUNDED;
  }

  /**
   * Embeds a batch. The future completes with an outcome for every input (a vector or the reason it
   * failed) and what the calls cost; it completes exceptionally only with an {@link
   * EmbeddingException} that no retry or other input can cure (the provider refuses the key, the
   * model does not exist, vectors of the wrong size), which should stop the run.
   *
   * @param texts the inputs
   * @param tokens each input's token count by the model's tokenizer (for token limits)
   */
  default CompletableFuture<EmbeddingBatch> embedAsync(List<String> texts, int[] tokens) {
    long tokenSum = Arrays.stream(tokens).asLongStream().sum();
    long t0 = System.nanoTime();
    try {
      List<float[]> vectors = checked(embed(texts), texts.size());
      return CompletableFuture.completedFuture(
          EmbeddingBatch.of(
              vectors, new CallStats(1, 0, 0, 0, tokenSum, List.of(millisSince(t0)))));
    } catch (EmbeddingException fatal) {
      return CompletableFuture.failedFuture(fatal);
    } catch (RuntimeException batchFailure) {
      // Isolate: only the inputs that fail on their own are reported.
      List<float[]> vectors = new ArrayList<>(texts.size());
      List<String> failures = new ArrayList<>(texts.size());
      List<Long> latencies = new ArrayList<>();
      latencies.add(millisSince(t0));
      int failedCalls = 1;
      for (String text : texts) {
        long t1 = System.nanoTime();
        try {
          vectors.add(checked(embed(List.of(text)), 1).get(0));
          failures.add(null);
        } catch (EmbeddingException fatal) {
          return CompletableFuture.failedFuture(fatal);
        } catch (RuntimeException e) {
          vectors.add(null);
          failures.add("embedding failed: " + e.getMessage());
          failedCalls++;
        }
        latencies.add(millisSince(t1));
      }
      return CompletableFuture.completedFuture(
          new EmbeddingBatch(
              vectors,
              failures,
              new CallStats(latencies.size(), 0, 0, failedCalls, tokenSum, latencies)));
    }
  }

  private static List<float[]> checked(List<float[]> vectors, int inputs) {
    if (vectors.size() != inputs) {
      throw new IllegalStateException(
          "embedder returned " + vectors.size() + " vectors for " + inputs + " inputs");
    }
    return vectors;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
