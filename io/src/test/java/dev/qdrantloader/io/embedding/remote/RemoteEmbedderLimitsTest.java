package dev.qdrantloader.io.embedding.remote;

import static dev.qdrantloader.io.embedding.remote.RemoteTesting.FAST;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.assertAllEmbedded;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.config;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.embed;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.embed.BatchLimits;
import dev.qdrantloader.transforms.embed.EmbeddingBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rate limits, the in-flight bound and adaptive limits, counted by the server. The rate period is 2
 * s here (60 s in production), so "rpm" and "tpm" mean per 2 s.
 */
class RemoteEmbedderLimitsTest {
  private static final long PERIOD = FAST.ratePeriod().toMillis();

  @Test
  void requestsPerPeriodNeverExceedRpmAndApproachIt() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withDimension(8))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(30, 0, 16, 1, 100_000), FAST);
      List<String> texts = texts(50, 2);
      assertAllEmbedded(texts, embed(embedder, texts), 8);
      long most = server.maxInWindow(PERIOD)[0];
      assertTrue(most <= 30, most + " requests in one period");
      assertTrue(most >= 23, "the limit was approached: " + most);
    }
  }

  @Test
  void tokensPerPeriodNeverExceedTpmAndApproachIt() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withDimension(8))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(0, 600, 16, 2, 100_000), FAST);
      assertEquals(100, embedder.limits().maxTokens(), "a request fits the bucket's capacity");
      List<String> texts = texts(80, 10); // 40 requests of 20 tokens
      EmbeddingBatch batch = embed(embedder, texts);
      assertAllEmbedded(texts, batch, 8);
      assertEquals(800, batch.stats().tokens());
      long most = server.maxInWindow(PERIOD)[1];
      assertTrue(most <= 600, most + " tokens in one period");
      assertTrue(most >= 450, "the limit was approached: " + most);
    }
  }

  @Test
  void anInputOverTheTokenBucketFailsAloneBeforeAnyRequest() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withDimension(8))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(0, 60, 4, 8, 100_000), FAST);
      List<String> texts = List.of("short one", "w ".repeat(11).strip(), "short two");
      EmbeddingBatch batch = embed(embedder, texts);
      assertTrue(batch.failures().get(1).contains("global.embedding.tpm"), batch.failures().get(1));
      assertEquals(2, server.inputs());
    }
  }

  @Test
  void neverMoreRequestsInFlightThanMaxConcurrency() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withLatency(120, 0).withDimension(8))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(0, 0, 3, 1, 100_000), FAST);
      List<String> texts = texts(24, 2);
      assertAllEmbedded(texts, embed(embedder, texts), 8);
      assertTrue(server.maxConcurrent() <= 3, "in flight: " + server.maxConcurrent());
      assertTrue(server.maxConcurrent() >= 2, "requests did overlap: " + server.maxConcurrent());
    }
  }

  @Test
  void throttlingHalvesTheLimitsWhichClimbBackToTheConfigurationOnly() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(1.0, "429", 0).withDimension(8))) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(
              config(server).withRetries(2_000, 1).withLimits(0, 0, 8, 8, 100_000), FAST);
      assertEquals(new BatchLimits(8, 100_000, 8), embedder.limits());
      EmbeddingBatch throttled = embed(embedder, texts(1, 2));
      assertTrue(throttled.failures().get(0).contains("HTTP 429"), throttled.failures().get(0));
      assertEquals(2, throttled.stats().throttled());
      // Two 429s, the second for a request sent after the first decrease: halved twice.
      assertEquals(new BatchLimits(2, 100_000, 2), embedder.limits());

      server.setFaultRate(0);
      int requests = 0;
      while (!embedder.limits().equals(new BatchLimits(8, 100_000, 8)) && requests < 200) {
        List<String> one = List.of("again " + requests);
        assertAllEmbedded(one, embed(embedder, one), 8);
        requests++;
        BatchLimits now = embedder.limits();
        assertTrue(now.maxInFlight() <= 8 && now.maxInputs() <= 8, now.toString());
      }
      assertEquals(new BatchLimits(8, 100_000, 8), embedder.limits());
      assertEquals(2 + 3 + 4 + 5 + 6 + 7, requests, "one step up per round of successes");
      for (int i = 0; i < 20; i++) {
        embed(embedder, List.of("more " + i));
      }
      assertEquals(new BatchLimits(8, 100_000, 8), embedder.limits(), "never above");
    }
  }
}
