package dev.qdrantloader.transforms.embed;

import java.util.List;

/**
 * What embedding one batch cost, for metrics counted on the DoFn thread.
 *
 * @param requests requests sent, retries and isolating splits included
 * @param retries requests sent again after a transient fault (429, 5xx, timeout, connection)
 * @param throttled 429 answers
 * @param failedRequests requests that did not return vectors (faults and refused inputs)
 * @param tokens tokens of the inputs sent, by the model's tokenizer
 * @param latencyMillis time of each request, in milliseconds
 */
public record CallStats(
    int requests,
    int retries,
    int throttled,
    int failedRequests,
    long tokens,
    List<Long> latencyMillis) {
  public CallStats {
    latencyMillis = List.copyOf(latencyMillis);
  }
}
