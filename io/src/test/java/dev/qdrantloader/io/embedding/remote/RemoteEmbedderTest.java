package dev.qdrantloader.io.embedding.remote;

import static dev.qdrantloader.io.embedding.remote.RemoteTesting.FAST;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.assertAllEmbedded;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.config;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.embed;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.texts;
import static dev.qdrantloader.io.embedding.remote.RemoteTesting.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig.Provider;
import dev.qdrantloader.transforms.embed.BatchLimits;
import dev.qdrantloader.transforms.embed.EmbeddingBatch;
import dev.qdrantloader.transforms.embed.EmbeddingException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The remote embedder against a real loopback server: requests, answers and refusals. */
class RemoteEmbedderTest {
  private static final String SECRET = "sk-test-0123456789-secret";

  private static EmbeddingException fatal(CompletableFuture<EmbeddingBatch> future) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
    return assertInstanceOf(EmbeddingException.class, e.getCause());
  }

  @Test
  void sendsTheOpenAiRequestAndReturnsTheVectorsInInputOrder() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withApiKey(SECRET))) {
      RemoteEmbeddingConfig base =
          new RemoteEmbeddingConfig(
              Provider.OPENAI_COMPATIBLE,
              "fake-model",
              64,
              SECRET,
              server.baseUrl() + "/",
              null,
              Map.of("X-Team", "search"),
              2_000,
              3,
              0,
              0,
              4,
              4,
              1_000,
              512);
      RemoteEmbedder embedder = new RemoteEmbedder(base, FAST);
      List<String> texts = texts(10, 3);
      EmbeddingBatch batch = embed(embedder, texts);
      assertAllEmbedded(texts, batch, 64); // 64: the dimensions parameter was sent and honoured
      assertEquals(3, batch.stats().requests(), "10 inputs at 4 per request");
      assertEquals(30, batch.stats().tokens());
      assertEquals(3, batch.stats().latencyMillis().size());
      assertEquals(0, batch.stats().retries() + batch.stats().failedRequests());
      assertEquals(3, server.requests());
      assertEquals(List.of("Bearer " + SECRET), server.lastHeaders().get("authorization"));
      assertEquals(List.of("search"), server.lastHeaders().get("x-team"));
      assertEquals(64, embedder.dimension());
      assertEquals(512, embedder.maxInputTokens());
      assertEquals(new BatchLimits(4, 1_000, 4), embedder.limits());
      assertEquals(texts.size(), embedder.embed(texts).size());
    }
  }

  @Test
  void azureSendsTheApiVersionAndTheKeyInApiKey() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withApiKey(SECRET))) {
      RemoteEmbeddingConfig azure =
          new RemoteEmbeddingConfig(
              Provider.AZURE_OPENAI,
              "my-deployment",
              null,
              SECRET,
              server.baseUrl(),
              "2024-02-01",
              Map.of(),
              2_000,
              1,
              0,
              0,
              2,
              16,
              10_000,
              512);
      RemoteEmbedder embedder = new RemoteEmbedder(azure, FAST);
      assertEquals(-1, embedder.dimension(), "unknown until a vector is seen");
      assertEquals(384, embedder.probe());
      assertEquals(384, embedder.dimension());
      assertEquals("api-version=2024-02-01", server.lastQuery());
      assertEquals(List.of(SECRET), server.lastHeaders().get("api-key"));
      assertNull(server.lastHeaders().get("authorization"));
    }
  }

  @Test
  void openAiAnswersInBase64AndOtherServersInDecimalGiveTheSameVectors() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withApiKey(SECRET))) {
      List<String> texts = texts(10, 3);
      RemoteEmbedder openai =
          new RemoteEmbedder(
              RemoteEmbeddingConfig.of(Provider.OPENAI, "fake-model", SECRET, server.baseUrl())
                  .withLimits(0, 0, 2, 4, 100_000),
              FAST);
      assertAllEmbedded(texts, embed(openai, texts), 384);
      assertEquals(server.served(), server.base64Answers(), "every answer in base64");

      long before = server.base64Answers();
      RemoteEmbedder compatible =
          new RemoteEmbedder(
              RemoteEmbeddingConfig.of(
                      Provider.OPENAI_COMPATIBLE, "fake-model", SECRET, server.baseUrl())
                  .withLimits(0, 0, 2, 4, 100_000),
              FAST);
      assertAllEmbedded(texts, embed(compatible, texts), 384);
      assertEquals(before, server.base64Answers(), "decimal floats for other servers");
    }
  }

  @Test
  void aPoisonedInputFailsAloneWithTheProvidersReason() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults())) {
      RemoteEmbedder embedder =
          new RemoteEmbedder(config(server).withLimits(0, 0, 4, 8, 100_000), FAST);
      List<String> texts = new ArrayList<>(texts(8, 2));
      texts.set(5, "bad " + FakeEmbeddingServer.POISON);
      EmbeddingBatch batch = embed(embedder, texts);
      for (int i = 0; i < texts.size(); i++) {
        if (i == 5) {
          assertNull(batch.vectors().get(i));
          String reason = batch.failures().get(i);
          assertTrue(reason.contains("HTTP 400"), reason);
          assertTrue(reason.contains("contains a forbidden sequence"), reason);
        } else {
          assertNull(batch.failures().get(i), "input " + i);
          assertNotNull(batch.vectors().get(i));
        }
      }
      // 8 -> [0..3] ok, [4..7] 400 -> [4,5] 400, [6,7] ok -> [4] ok, [5] 400
      assertEquals(7, batch.stats().requests());
      assertEquals(4, batch.stats().failedRequests());
      assertEquals(0, batch.stats().retries());
      IllegalStateException sync =
          assertThrows(IllegalStateException.class, () -> embedder.embed(texts));
      assertTrue(sync.getMessage().contains("input 5"), sync.getMessage());
    }
  }

  @Test
  void givesUpAfterTheRetriesNamingTheLastFault() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(1.0, "500", 0))) {
      RemoteEmbedder embedder = new RemoteEmbedder(config(server).withRetries(2_000, 2), FAST);
      List<String> texts = texts(3, 2);
      EmbeddingBatch batch = embed(embedder, texts);
      for (String reason : batch.failures()) {
        assertTrue(
            reason.startsWith("gave up after 2 retries: HTTP 500 The server had an error"), reason);
      }
      assertEquals(3, batch.stats().requests());
      assertEquals(2, batch.stats().retries());
      assertEquals(3, batch.stats().failedRequests());
      assertEquals(3, server.requests());
    }
  }

  @Test
  void vectorsOfTheWrongSizeStopTheRun() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults())) {
      RemoteEmbeddingConfig known =
          RemoteEmbeddingConfig.of(
              Provider.OPENAI_COMPATIBLE, "text-embedding-3-small", null, server.baseUrl());
      RemoteEmbedder embedder = new RemoteEmbedder(known, FAST);
      assertEquals(1536, embedder.dimension());
      List<String> texts = texts(3, 2);
      EmbeddingException e = fatal(embedder.embedAsync(texts, tokens(texts)));
      assertTrue(
          e.getMessage().contains("the provider returned vectors of size 384, expected 1536"),
          e.getMessage());
      assertTrue(e.getMessage().contains("global.embedding.dimensions"), e.getMessage());
      EmbeddingException probe = assertThrows(EmbeddingException.class, embedder::probe);
      assertTrue(probe.getMessage().contains("size 384"), probe.getMessage());
    }
  }

  @Test
  void aRefusedKeyStopsTheRunWithoutShowingTheKey() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withApiKey("sk-right"))) {
      RemoteEmbeddingConfig wrong =
          RemoteEmbeddingConfig.of(Provider.OPENAI, "fake-model", SECRET, server.baseUrl());
      RemoteEmbedder embedder = new RemoteEmbedder(wrong, FAST);
      List<String> texts = texts(2, 2);
      EmbeddingException e = fatal(embedder.embedAsync(texts, tokens(texts)));
      assertTrue(e.getMessage().contains("refused the API key"), e.getMessage());
      assertTrue(e.getMessage().contains("global.embedding.api_key"), e.getMessage());
      assertEquals(1, server.requests(), "no retries of a refused key");
      EmbeddingException probe = assertThrows(EmbeddingException.class, embedder::probe);
      for (String shown :
          List.of(
              e.getMessage(),
              probe.getMessage(),
              embedder.toString(),
              new RemoteEmbedderFactory(wrong).describe(),
              new RemoteEmbedderFactory(wrong).toString())) {
        assertFalse(shown.contains(SECRET), shown);
      }
    }
  }

  @Test
  void aMissingModelOrUrlNamesBoth() throws Exception {
    try (FakeEmbeddingServer server =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults())) {
      RemoteEmbeddingConfig missing =
          RemoteEmbeddingConfig.of(
              Provider.OPENAI_COMPATIBLE, "no-such-model", null, server.baseUrl() + "/missing");
      RemoteEmbedder embedder = new RemoteEmbedder(missing, FAST);
      List<String> texts = texts(1, 2);
      EmbeddingException e = fatal(embedder.embedAsync(texts, tokens(texts)));
      assertTrue(e.getMessage().contains(server.baseUrl() + "/missing/embeddings"), e.getMessage());
      assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
      assertTrue(e.getMessage().contains("404"), e.getMessage());
    }
  }

  @Test
  void anUnreachableServerFailsTheProbeNamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/v1";
    RemoteEmbeddingConfig down =
        RemoteEmbeddingConfig.of(Provider.OPENAI_COMPATIBLE, "fake-model", null, url)
            .withRetries(1_000, 1);
    RemoteEmbedder embedder = new RemoteEmbedder(down, FAST);
    EmbeddingException e = assertThrows(EmbeddingException.class, embedder::probe);
    assertTrue(e.getMessage().contains(url + "/embeddings"), e.getMessage());
    assertTrue(
        e.getMessage().contains("gave up after 1 retries: connection failed"), e.getMessage());
  }

  @Test
  void theFactorySharesOneEmbedderPerConfigurationAcrossSerialization() throws Exception {
    RemoteEmbeddingConfig config =
        RemoteEmbeddingConfig.of(Provider.OPENAI, "text-embedding-3-large", SECRET, null);
    RemoteEmbedderFactory factory = new RemoteEmbedderFactory(config);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(factory);
    }
    RemoteEmbedderFactory copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RemoteEmbedderFactory) in.readObject();
    }
    assertSame(factory.create(), copy.create());
    assertSame(
        factory.create(),
        new RemoteEmbedderFactory(
                RemoteEmbeddingConfig.of(Provider.OPENAI, "text-embedding-3-large", SECRET, null))
            .create());
    assertFalse(factory.create() == new RemoteEmbedderFactory(config.withDimensions(256)).create());
    assertEquals("openai/text-embedding-3-large at https://api.openai.com/v1", copy.describe());
    assertEquals(3072, factory.create().dimension());
  }
}
