package dev.qdrantloader.io.qdrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.QdrantClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest in its companion collection, through the official client, across a restart. */
class QdrantManifestTest {
  @TempDir Path dir;

  static ManifestEntry entry(String source, String path, String hash, List<String> chunks) {
    return new ManifestEntry(
        DocumentIds.documentId("p", "localfile", source, path),
        "p",
        "localfile",
        source,
        path,
        hash,
        42,
        1_700_000_000_000L,
        chunks,
        "2026-11-22T00:00:00Z");
  }

  private static List<ManifestEntry> sorted(List<ManifestEntry> l) {
    List<ManifestEntry> out = new ArrayList<>(l);
    out.sort(Comparator.comparing(ManifestEntry::documentId));
    return out;
  }

  @Test
  void entriesAreWrittenReadPerSourceReplacedAndDeletedAndSurviveARestart() throws Exception {
    ManifestEntry a = entry("docs", "a.md", "h-a", List.of("c1", "c2"));
    ManifestEntry b = entry("docs", "dir/b.md", "h-b", List.of());
    ManifestEntry other = entry("wiki", "a.md", "h-w", List.of("c9"));
    ManifestEntry aEdited = entry("docs", "a.md", "h-a2", List.of("c1", "c3", "c4"));
    try (LocalQdrantServer server = LocalQdrantServer.builder().port(0).dataDir(dir).start()) {
      QdrantConnection connection = QdrantConnection.of(server.host(), server.port(), false, null);
      QdrantClient client = connection.client();
      assertTrue(QdrantManifest.ensure(client, "kb"));
      assertFalse(QdrantManifest.ensure(client, "kb"));
      QdrantManifest.write(client, "kb", List.of(a, b, other));
      assertEquals(
          sorted(List.of(a, b)),
          sorted(QdrantManifest.read(client, "kb", "p", "localfile", "docs")));
      assertEquals(List.of(other), QdrantManifest.read(client, "kb", "p", "localfile", "wiki"));
      assertEquals(List.of(), QdrantManifest.read(client, "kb", "q", "localfile", "docs"));

      QdrantManifest.write(client, "kb", List.of(aEdited));
      QdrantManifest.delete(client, "kb", List.of(b.documentId()));
      assertEquals(List.of(aEdited), QdrantManifest.read(client, "kb", "p", "localfile", "docs"));
      connection.closeClient();
    }
    try (LocalQdrantServer server = LocalQdrantServer.builder().port(0).dataDir(dir).start()) {
      QdrantConnection connection = QdrantConnection.of(server.host(), server.port(), false, null);
      assertEquals(
          List.of(aEdited),
          QdrantManifest.read(connection.client(), "kb", "p", "localfile", "docs"));
      connection.closeClient();
    }
  }

  @Test
  void ensureAddsIndexesAManifestCreatedByAKilledRunLacks() throws Exception {
    try (LocalQdrantServer server = LocalQdrantServer.builder().port(0).start()) {
      QdrantConnection connection = QdrantConnection.of(server.host(), server.port(), false, null);
      QdrantClient client = connection.client();
      client
          .createCollectionAsync(
              io.qdrant.client.grpc.Collections.CreateCollection.newBuilder()
                  .setCollectionName(QdrantManifest.collectionFor("kb"))
                  .setVectorsConfig(
                      io.qdrant.client.grpc.Collections.VectorsConfig.newBuilder()
                          .setParamsMap(
                              io.qdrant.client.grpc.Collections.VectorParamsMap
                                  .getDefaultInstance()))
                  .build())
          .get();
      assertFalse(QdrantManifest.ensure(client, "kb"));
      assertEquals(
          new java.util.TreeSet<>(QdrantManifest.INDEXED_KEYS),
          new java.util.TreeSet<>(
              client
                  .getCollectionInfoAsync(QdrantManifest.collectionFor("kb"))
                  .get()
                  .getPayloadSchemaMap()
                  .keySet()));
      connection.closeClient();
    }
  }
}
