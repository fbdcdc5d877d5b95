package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.qdrantloader.transforms.embed.EmbeddingBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared bits of the remote embedder tests. */
final class RemoteTesting {
  private RemoteTesting() {}

  /** A 2 s rate period and short backoffs, so tests run in seconds. */
  static final RemoteEmbedder.Tuning FAST =
      new RemoteEmbedder.Tuning(
          Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(200));

  static RemoteEmbeddingConfig config(FakeEmbeddingServer server) {
    return RemoteEmbeddingConfig.of(
            RemoteEmbeddingConfig.Provider.OPENAI_COMPATIBLE, "fake-model", null, server.baseUrl())
        .withRetries(2_000, 6);
  }

  /** {@code n} distinct texts of {@code words} words each. */
  static List<String> texts(int n, int words) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder("text" + i);
      for (int w = 1; w < words; w++) {
        b.append(" w").append(w);
      }
      out.add(b.toString());
    }
    return out;
  }

  /** Token counts as the fake server counts them (words). */
  static int[] tokens(List<String> texts) {
    return texts.stream().mapToInt(FakeEmbeddingServer::tokens).toArray();
  }

  static EmbeddingBatch embed(RemoteEmbedder embedder, List<String> texts) throws Exception {
    return embedder.embedAsync(texts, tokens(texts)).get(60, TimeUnit.SECONDS);
  }

  /** Every input embedded with exactly the server's vector. */
  static void assertAllEmbedded(List<String> texts, EmbeddingBatch batch, int dimension) {
    for (int i = 0; i < texts.size(); i++) {
      assertNull(batch.failures().get(i), "input " + i);
      assertArrayEquals(
          FakeEmbeddingServer.vectorFor(texts.get(i), dimension), batch.vectors().get(i), 1e-6f);
    }
  }
}
