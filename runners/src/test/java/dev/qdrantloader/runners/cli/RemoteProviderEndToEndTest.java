package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.embedding.remote.FakeEmbeddingServer;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with a remote provider (openai_compatible) served by a real HTTP server on loopback: the
 * vectors in the collection are the provider's, faults are retried, a poisoned chunk fails its
 * document alone, identical texts are sent once, and a wrong vector size stops the run before
 * anything is written.
 */
class RemoteProviderEndToEndTest {
  @TempDir Path ws;
  FakeEmbeddingServer server;

  CliEndToEndTest.Run cli(String... args) {
    return CliEndToEndTest.cli(ws, args);
  }

  void write(String relative, String content) throws Exception {
    CliEndToEndTest.write(ws, relative, content);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  void workspace(String embeddingExtra) throws Exception {
    write(
        "config.yaml",
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: remote\n"
            + "  embedding:\n"
            + "    provider: openai_compatible\n"
            + "    model: nomic-embed-text\n"
            + "    base_url: "
            + server.baseUrl()
            + "\n"
            + "    api_key: ${EMBEDDING_KEY}\n"
            + "    timeout: 2s\n"
            + embeddingExtra
            + "  chunking:\n"
            + "    chunk_size: 32\n"
            + "    chunk_overlap: 0\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: docs\n");
    write(".env", "EMBEDDING_KEY=sk-test-secret-123\n");
    for (int i = 0; i < 12; i++) {
      StringBuilder doc = new StringBuilder("# Page " + i + "\n\n");
      for (int s = 0; s < 4; s++) {
        doc.append("Section ")
            .append(s)
            .append(" of page ")
            .append(i)
            .append(" explains one thing about topic ")
            .append(i * 7 + s)
            .append(" in a few plain words.\n\n");
      }
      // The same footer paragraph on every page: one text, sent once.
      doc.append("All pages are licensed under the same terms; see the licence file.\n");
      write("docs/page" + i + ".md", doc.toString());
    }
  }

  List<RetrievedPoint> points() throws Exception {
    List<RetrievedPoint> points = new ArrayList<>();
    CliEndToEndTest.withStore(
        ws,
        client -> {
          if (client.collectionExistsAsync("remote").get(1, TimeUnit.MINUTES)) {
            points.addAll(
                client
                    .scrollAsync(
                        ScrollPoints.newBuilder()
                            .setCollectionName("remote")
                            .setLimit(10_000)
                            .setWithVectors(
                                io.qdrant.client.grpc.Points.WithVectorsSelector.newBuilder()
                                    .setEnable(true))
                            .build())
                    .get(1, TimeUnit.MINUTES)
                    .getResultList());
          }
        });
    return points;
  }

  @Test
  void theCollectionHoldsTheProvidersVectorsDespiteFaultsAndRepeatedTextsAreSentOnce()
      throws Exception {
    server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults()
                .withDimension(16)
                .withApiKey("sk-test-secret-123")
                .withFaults(0.3, "500", 0));
    workspace("    max_inputs_per_request: 4\n");
    CliEndToEndTest.Run ingest = cli("ingest");
    assertEquals(0, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.out().contains("16-d vectors (checked with one request)"), ingest.out());
    assertFalse(ingest.out().contains("sk-test-secret-123"), ingest.out());
    List<RetrievedPoint> points = points();
    assertEquals(60, points.size(), ingest.out());
    int footers = 0;
    for (RetrievedPoint p : points) {
      String content = p.getPayloadMap().get("content").getStringValue();
      List<Float> v = p.getVectors().getVector().getDataList();
      float[] got = new float[v.size()];
      for (int i = 0; i < got.length; i++) {
        got[i] = v.get(i);
      }
      assertArrayEquals(FakeEmbeddingServer.vectorFor(content, 16), got, 1e-6f, content);
      if (content.startsWith("All pages are licensed")) {
        footers++;
      }
    }
    assertEquals(12, footers);
    // 48 distinct section texts + 1 footer + the probe: the footer went out once.
    assertEquals(50, server.inputs(), "inputs served (48 sections, 1 footer, 1 probe)");
    assertTrue(server.faults() > 0, "faults were injected");
    assertTrue(
        ingest.out().matches("(?s).*embedding  \\d+ requests \\([1-9]\\d* retried.*"),
        ingest.out());
    assertTrue(
        ingest.out().contains("49 chunks sent, 11 answered without a request"), ingest.out());

    // search embeds the query with the same provider: the exact footer text is a perfect match.
    CliEndToEndTest.Run search =
        cli("search", "All pages are licensed under the same terms; see the licence file.");
    assertEquals(0, search.code(), search.out() + search.err());
    assertTrue(search.out().contains("1. 1.000"), search.out());
  }

  @Test
  void thePersistentCacheServesARunOnAnEmptyCollectionWithoutRequests() throws Exception {
    server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults()
                .withDimension(16)
                .withApiKey("sk-test-secret-123"));
    workspace("    cache:\n      enabled: true\n");
    CliEndToEndTest.Run first = cli("ingest");
    assertEquals(0, first.code(), first.out() + first.err());
    assertEquals(50, server.inputs(), "48 sections, 1 footer, 1 probe");
    assertTrue(Files.exists(ws.resolve(".qdrant-loader/embedding-cache/vectors.mv")));

    CliEndToEndTest.Run init = cli("init", "--force");
    assertEquals(0, init.code(), init.out() + init.err());
    CliEndToEndTest.Run again = cli("ingest");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("12 new"), again.out());
    assertTrue(
        again.out().contains("0 requests") && again.out().contains("0 chunks sent"), again.out());
    // Only the two probes (init's and ingest's) reached the provider.
    assertEquals(52, server.inputs());
    List<RetrievedPoint> points = points();
    assertEquals(60, points.size());
    for (RetrievedPoint p : points) {
      String content = p.getPayloadMap().get("content").getStringValue();
      List<Float> v = p.getVectors().getVector().getDataList();
      assertEquals(FakeEmbeddingServer.vectorFor(content, 16)[0], v.get(0), 1e-6f, content);
    }
  }

  @Test
  void aPoisonedChunkFailsItsDocumentAloneWithTheProvidersReason() throws Exception {
    server = FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withDimension(16));
    workspace("");
    write("docs/page3.md", "# Page 3\n\nThis one carries " + FakeEmbeddingServer.POISON + ".\n");
    CliEndToEndTest.Run ingest = cli("ingest");
    assertEquals(1, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.out().contains("; 1 failed"), ingest.out());
    assertTrue(ingest.out().contains("handbook/notes: page3.md"), ingest.out());
    assertTrue(ingest.out().contains("is invalid"), ingest.out());
    List<RetrievedPoint> points = points();
    assertEquals(55, points.size(), ingest.out());
  }

  @Test
  void aProviderAnsweringWithAnotherVectorSizeIsRefusedBeforeAnythingIsWritten() throws Exception {
    server = FakeEmbeddingServer.start(FakeEmbeddingServer.Config.defaults().withDimension(24));
    // vector_size is the collection's size, not sent: the provider answers with its own.
    workspace("    vector_size: 16\n");
    CliEndToEndTest.Run ingest = cli("ingest");
    assertEquals(2, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.err().contains("returned vectors of size 24"), ingest.err());
    assertTrue(ingest.err().contains("vector_size is 16"), ingest.err());
    assertTrue(points().isEmpty(), "nothing written");
    assertEquals(1, server.requests(), "only the probe was sent");
  }

  @Test
  void aRefusedKeyIsAClearErrorThatNamesTheSettingAndNotTheKey() throws Exception {
    server =
        FakeEmbeddingServer.start(
            FakeEmbeddingServer.Config.defaults().withDimension(16).withApiKey("other-key"));
    workspace("");
    CliEndToEndTest.Run ingest = cli("ingest");
    assertEquals(2, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.err().contains("api_key"), ingest.err());
    assertFalse((ingest.out() + ingest.err()).contains("sk-test-secret-123"));
    assertTrue(points().isEmpty(), "nothing written");
  }
}
