package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test server itself, driven by the JDK's HTTP client: what later provider tests rely on. */
class FakeEmbeddingServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(FakeEmbeddingServer s, String body, String key)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(s.baseUrl() + "/embeddings"))
            .timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      r.header("Authorization", "Bearer " + key);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String request(List<String> inputs) throws Exception {
    return JSON.writeValueAsString(
        JSON.createObjectNode()
            .put("model", "text-embedding-3-small")
            .set("input", JSON.valueToTree(inputs)));
  }

  private static float[] vector(JsonNode item) {
    JsonNode e = item.get("embedding");
    float[] v = new float[e.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) e.get(i).asDouble();
    }
    return v;
  }

  @Test
  void answersLikeTheEmbeddingsApiWithDeterministicUnitVectors() throws Exception {
    try (FakeEmbeddingServer s =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withApiKey("sk-test"))) {
      HttpResponse<String> r = post(s, request(List.of("alpha beta", "gamma")), "sk-test");
      assertEquals(200, r.statusCode(), r.body());
      JsonNode body = JSON.readTree(r.body());
      assertEquals(2, body.get("data").size());
      assertEquals(1, body.get("data").get(1).get("index").asInt());
      float[] v = vector(body.get("data").get(0));
      assertEquals(384, v.length);
      assertArrayEquals(FakeEmbeddingServer.vectorFor("alpha beta", 384), v, 1e-6f);
      double norm = 0;
      for (float f : v) {
        norm += f * f;
      }
      assertEquals(1.0, norm, 1e-4);
      assertEquals(3, body.get("usage").get("prompt_tokens").asInt());
      assertEquals(401, post(s, request(List.of("x")), "wrong").statusCode());
      String withDimensions = "{\"model\":\"m\",\"input\":\"alpha\",\"dimensions\":64}";
      assertEquals(
          64,
          JSON.readTree(post(s, withDimensions, "sk-test").body())
              .get("data")
              .get(0)
              .get("embedding")
              .size());
      assertEquals(3, s.requests());
      assertEquals(2, s.served());
      assertEquals(3, s.inputs());
    }
  }

  @Test
  void enforcesItsCapsAndNamesAPoisonedInput() throws Exception {
    try (FakeEmbeddingServer s =
        FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withCaps(2, 5))) {
      HttpResponse<String> tooMany = post(s, request(List.of("a", "b", "c")), null);
      assertEquals(400, tooMany.statusCode());
      assertTrue(tooMany.body().contains("too many inputs: 3 > 2"), tooMany.body());
      HttpResponse<String> tooLong = post(s, request(List.of("one two three four five six")), null);
      assertEquals(400, tooLong.statusCode());
      assertTrue(tooLong.body().contains("too many tokens: 6 > 5"), tooLong.body());
      HttpResponse<String> poisoned =
          post(s, request(List.of("fine", "bad " + FakeEmbeddingServer.POISON)), null);
      assertEquals(400, poisoned.statusCode());
      assertTrue(poisoned.body().contains("input[1] is invalid"), poisoned.body());
      assertEquals(0, s.served());
    }
  }

  @Test
  void injectsFaultsWithRetryAfterAndCountsRequestsPerWindow() throws Exception {
    try (FakeEmbeddingServer s =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(1.0, "429", 7))) {
      HttpResponse<String> r = post(s, request(List.of("a b")), null);
      assertEquals(429, r.statusCode());
      assertEquals("7", r.headers().firstValue("Retry-After").orElse(""));
      post(s, request(List.of("c d e")), null);
      assertEquals(2, s.faults());
      long[] max = s.maxInWindow(60_000);
      assertEquals(2, max[0]);
      assertEquals(5, max[1]);
    }
    try (FakeEmbeddingServer s =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(1.0, "malformed", 1))) {
      HttpResponse<String> r = post(s, request(List.of("a")), null);
      assertEquals(200, r.statusCode());
      assertThrows(Exception.class, () -> JSON.readTree(r.body()).get("data").get(0).get("index"));
    }
    try (FakeEmbeddingServer s =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withFaults(1.0, "hang", 1))) {
      assertThrows(
          java.net.http.HttpTimeoutException.class, () -> post(s, request(List.of("a")), null));
    }
  }
}
