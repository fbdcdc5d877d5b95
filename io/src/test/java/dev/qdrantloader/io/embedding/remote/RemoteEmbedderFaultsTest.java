package dev.qdrantloader.io.embedding.remote;

import static dev.qdrantloader.io.embedding.remote.RemoteTesting.FAST;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.assertAllEmbedded;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.config;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.embed;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.embed.CallStats;
import dev.qdrantloader.transforms.embed.EmbeddingBatch;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transient faults are retried until every input is embedded, and no more than needed. */
class RemoteEmbedderFaultsTest {
  private static final int MAX_RETRIES = 6;

  @ParameterizedTest
  @ValueSource(strings = {"429", "500", "hang", "malformed"})
  void everyInputIsEmbeddedThroughTwentyPercentFaults(String kind) throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults()
                .withFaults(0.2, kind, 0)
                .withThreads(48)
                .withDimension(32))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(
              config(server).withRetries(1_000, MAX_RETRIES).withLimits(0, 0, 8, 5, 100_000), FAST);
      List<String> texts = texts(100, 3);
      EmbeddingBatch batch = embed(embedder, texts);
      assertAllEmbedded(texts, batch, 32);
      CallStats stats = batch.stats();
      assertTrue(server.faults() > 0, "faults were injected");
      // One retry per injected fault, each request counted on both sides.
      assertEquals(server.faults(), stats.retries());
      assertEquals(server.requests(), stats.requests());
      assertEquals(20 + stats.retries(), stats.requests(), "20 requests of 5 inputs, plus retries");
      assertTrue(stats.requests() <= 20 * (1 + MAX_RETRIES));
      assertEquals(stats.retries(), stats.failedRequests());
      assertEquals(kind.equals("429") ? server.faults() : 0, stats.throttled());
      assertEquals(100, server.inputs(), "each input embedded once by the server");
    }
  }

  @Test
  void after429NeitherTheRetryNorAnyOtherRequestComesBeforeRetryAfter() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(0.4, "429", 1).withDimension(16))) {
      // One request in flight: whatever arrives after a 429 was started after it was answered.
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(0, 0, 1, 2, 100_000), FAST);
      List<String> texts = texts(8, 2);
      EmbeddingBatch batch = embed(embedder, texts);
      assertAllEmbedded(texts, batch, 16);
      List<FakeEmbeddingServer.Arrival> arrivals = server.arrivals();
      int throttled = 0;
      for (int i = 0; i < arrivals.size(); i++) {
        FakeEmbeddingServer.Arrival a = arrivals.get(i);
        if (a.status() != 429) {
          continue;
        }
        throttled++;
        // The backoff alone is at most 200 ms here: only Retry-After explains a second.
        FakeEmbeddingServer.Arrival next = arrivals.get(i + 1);
        assertTrue(
            next.millis() - a.millis() >= 1000,
            "a request arrived " + (next.millis() - a.millis()) + " ms after a 429");
        FakeEmbeddingServer.Arrival retry = null;
        for (int j = i + 1; j < arrivals.size() && retry == null; j++) {
          if (arrivals.get(j).inputs().equals(a.inputs())) {
            retry = arrivals.get(j);
          }
        }
        assertTrue(retry != null, "the throttled request was retried");
        assertTrue(retry.millis() - a.millis() >= 1000);
      }
      assertTrue(throttled > 0, "some requests were throttled");
      assertEquals(throttled, batch.stats().throttled());
      assertEquals(4 + throttled, arrivals.size());
    }
  }
}
