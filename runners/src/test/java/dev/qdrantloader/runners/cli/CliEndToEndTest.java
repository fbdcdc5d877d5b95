package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.RunHistory;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it: init, ingest, status, search and config on a workspace, with the
 * embedded defaults (local model, local-mode Qdrant under the workspace).
 */
class CliEndToEndTest {
  @TempDir Path ws;

  /** What one CLI invocation printed and returned. */
  record Run(int code, String out, String err) {}

  Run cli(String... args) {
    return cli(ws, args);
  }

  /** The CLI on workspace {@code ws}, in this JVM. */
  static Run cli(Path ws, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 2];
    full[0] = "--workspace";
    full[1] = ws.toString();
    System.arraycopy(args, 0, full, 2, args.length);
    int code = QdrantLoaderCli.run(full, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  void write(String relative, String content) throws Exception {
    write(ws, relative, content);
  }

  static void write(Path ws, String relative, String content) throws Exception {
    Path p = ws.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  @BeforeEach
  void workspace() throws Exception {
    write(
        "config.yaml",
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: e2e\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: docs\n");
    write(
        "docs/tar.md",
        "# tar\n\nArchiving utility.\n\n## Create an archive\n\nUse `tar cf target.tar file1 file2` to"
            + " create an archive from files.\n\n## Extract an archive\n\nUse `tar xf source.tar`"
            + " to extract an archive into the current directory.\n");
    write(
        "docs/ssh.md",
        "# ssh\n\nSecure Shell is a protocol used to securely log onto remote systems.\n\n"
            + "- Connect to a remote server: `ssh username@remote_host`\n"
            + "- Use a specific identity file: `ssh -i path/to/key username@remote_host`\n");
    write("docs/recipe.txt", "Bake the bread for forty minutes until the crust is golden brown.");
  }

  Map<String, String> pointsByIdToContent() throws Exception {
    return queryStore(
        ws,
        client -> {
          List<RetrievedPoint> points =
              client
                  .scrollAsync(
                      ScrollPoints.newBuilder().setCollectionName("e2e").setLimit(10_000).build())
                  .get(1, TimeUnit.MINUTES)
                  .getResultList();
          Map<String, String> out = new TreeMap<>();
          for (RetrievedPoint p : points) {
            out.put(p.getId().getUuid(), p.getPayloadMap().get("content").getStringValue());
          }
          return out;
        });
  }

  @Test
  void initIngestStatusAndSearchOnTheEmbeddedDefaults() throws Exception {
    Run init = cli("init");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("Created `e2e`"), init.out());

    Run ingest = cli("ingest");
    assertEquals(0, ingest.code(), ingest.out() + ingest.err());
    assertTrue(
        ingest.out().contains("3 listed: 3 new, 0 changed, 0 unchanged, 0 deleted; 0 failed"),
        ingest.out());
    assertTrue(ingest.out().contains("3 read, 3 converted"), ingest.out());
    Map<String, String> first = pointsByIdToContent();
    assertTrue(first.size() >= 3, first.toString());
    assertTrue(ingest.out().contains(first.size() + " written, 0 removed"), ingest.out());

    Run status = cli("status");
    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains(first.size() + " points"), status.out());
    assertTrue(status.out().matches("(?s).*handbook\\s+3\\s+" + first.size() + ".*"), status.out());

    Run search = cli("search", "how do I unpack a tar archive", "--limit", "2");
    assertEquals(0, search.code(), search.err());
    String firstHit = search.out().lines().findFirst().orElse("");
    assertTrue(firstHit.contains("(tar.md)"), search.out());
    assertTrue(search.out().contains("tar xf"), search.out());

    // a second ingest finds nothing to do (without a pipeline) and leaves the points as they are
    Run again = cli("ingest");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("3 listed: 0 new, 0 changed, 3 unchanged"), again.out());
    assertTrue(again.out().contains("no pipeline was run"), again.out());
    assertTrue(again.out().contains("0 read, 0 converted, 0 chunks: 0 embedded"), again.out());
    assertTrue(again.out().contains("0 written, 0 removed"), again.out());
    assertEquals(first, pointsByIdToContent());

    // a touched file (same bytes, new time) is read and hashed once, found unchanged, and its new
    // time recorded, so the run after that needs no pipeline again
    Files.setLastModifiedTime(
        ws.resolve("docs/tar.md"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    Run touched = cli("ingest");
    assertTrue(touched.out().contains("3 listed: 0 new, 0 changed, 3 unchanged"), touched.out());
    assertFalse(touched.out().contains("no pipeline was run"), touched.out());
    assertTrue(touched.out().contains("1 read, 0 converted"), touched.out());
    assertEquals(first, pointsByIdToContent());
    assertTrue(cli("ingest").out().contains("no pipeline was run"));

    Run history = cli("status");
    assertTrue(history.out().contains("Manifest    `e2e_manifest`: 3 documents"), history.out());
    assertTrue(history.out().contains("Runs        4 recorded"), history.out());
    assertTrue(history.out().contains("succeeded"), history.out());
    assertTrue(history.out().contains("new 0, changed 0, unchanged 3"), history.out());
  }

  @Test
  void aReRunRemovesChunksOfChangedAndVanishedDocumentsButKeepsFailedOnes() throws Exception {
    write("docs/keep.md", "# Keep\n\nThis page stays as it is.\n");
    assertEquals(0, cli("ingest").code());
    Map<String, String> before = pointsByIdToContent();
    assertTrue(
        before.containsValue("Bake the bread for forty minutes until the crust is golden brown."));

    // ssh.md changes, recipe.txt vanishes, keep.md becomes unreadable as text
    write("docs/ssh.md", "# ssh\n\nSecure Shell, rewritten in one line.\n");
    Files.delete(ws.resolve("docs/recipe.txt"));
    Files.write(ws.resolve("docs/keep.md"), new byte[] {0, 0, 0, 1, 2, 3});
    Run again = cli("ingest");
    assertEquals(1, again.code(), again.out());
    assertTrue(
        again.out().contains("3 listed: 0 new, 2 changed, 1 unchanged, 1 deleted; 1 failed"),
        again.out());

    Map<String, String> after = pointsByIdToContent();
    assertFalse(
        after.containsValue("Bake the bread for forty minutes until the crust is golden brown."));
    assertTrue(after.values().stream().anyMatch(c -> c.contains("rewritten in one line")));
    assertFalse(after.values().stream().anyMatch(c -> c.contains("ssh -i path/to/key")));
    // the document that failed this time keeps what it had
    assertTrue(after.values().stream().anyMatch(c -> c.contains("This page stays as it is.")));
  }

  /** Runs {@code action} with a client on the workspace's local store (no CLI running). */
  void withStore(StoreAction action) throws Exception {
    withStore(ws, action);
  }

  /** Runs {@code action} with a client on the local store of workspace {@code ws}. */
  static void withStore(Path ws, StoreAction action) throws Exception {
    queryStore(
        ws,
        client -> {
          action.run(client);
          return null;
        });
  }

  /** What {@code query} returns, run with a client on the local store of workspace {@code ws}. */
  static <T> T queryStore(Path ws, StoreQuery<T> query) throws Exception {
    try (LocalQdrantServer server =
            LocalQdrantServer.builder()
                .port(0)
                .dataDir(ws.resolve(".qdrant-loader/qdrant"))
                .start();
        QdrantClient client =
            new QdrantClient(
                QdrantGrpcClient.newBuilder(server.host(), server.port(), false).build())) {
      return query.run(client);
    }
  }

  interface StoreAction {
    void run(QdrantClient client) throws Exception;
  }

  interface StoreQuery<T> {
    T run(QdrantClient client) throws Exception;
  }

  @Test
  void aRunAfterAnUnfinishedOneRemovesWhatItLeftBehindAndRecordsIt() throws Exception {
    assertEquals(0, cli("ingest").code());
    Map<String, String> clean = pointsByIdToContent();
    // What a run killed between its upserts and its commit leaves: a run still "running" and the
    // points of a document whose file has vanished since, without a manifest entry.
    String orphanDoc = DocumentIds.documentId("handbook", "localfile", "notes", "draft.md");
    withStore(
        client -> {
          RunHistory.started(client, "e2e", "killed-run", "2026-01-01T00:00:00Z", "all sources");
          client
              .upsertAsync(
                  UpsertPoints.newBuilder()
                      .setCollectionName("e2e")
                      .setWait(true)
                      .addPoints(
                          PointPayloads.point(
                              new EmbeddedChunk(
                                  new Chunk(
                                      orphanDoc,
                                      "handbook",
                                      "localfile",
                                      "notes",
                                      "draft.md",
                                      "file:///draft.md",
                                      "Draft",
                                      "text/markdown",
                                      0,
                                      1,
                                      "half-written draft",
                                      List.of(),
                                      "c",
                                      "h",
                                      4,
                                      0),
                                  new float[384]),
                              "2026-01-01T00:00:00Z"))
                      .build())
              .get();
        });
    assertTrue(pointsByIdToContent().containsValue("half-written draft"));

    Run again = cli("ingest");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(
        again.out().contains("An earlier run did not finish (killed-run, running)"), again.out());
    assertTrue(again.out().contains("1 documents without a manifest entry"), again.out());
    assertEquals(clean, pointsByIdToContent());

    Run status = cli("status");
    assertTrue(status.out().contains("interrupted"), status.out());
    assertTrue(status.out().contains("Runs        3 recorded"), status.out());
    // the interrupted run is closed: the next run does not sweep again
    Run third = cli("ingest");
    assertFalse(third.out().contains("did not finish"), third.out());
  }

  @Test
  void aCollectionDeletedBehindTheLoadersBackIsWrittenAgainInFull() throws Exception {
    assertEquals(0, cli("ingest").code());
    Map<String, String> clean = pointsByIdToContent();
    withStore(client -> client.deleteCollectionAsync("e2e").get());
    Run again = cli("ingest");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("it was reset"), again.out());
    assertTrue(again.out().contains("3 listed: 3 new"), again.out());
    assertEquals(clean, pointsByIdToContent());
  }

  @Test
  void initForceDropsTheManifestWithTheCollection() throws Exception {
    assertEquals(0, cli("ingest").code());
    Run init = cli("init", "--force");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("Deleted its manifest and run history `e2e_manifest`"));
    Run again = cli("ingest");
    assertTrue(again.out().contains("3 listed: 3 new"), again.out());
  }

  @Test
  void failedDocumentsAreListedAndTheRestIsWritten() throws Exception {
    write("docs/broken.pdf", "%PDF-1.7\n this is not really a pdf");
    Files.write(ws.resolve("docs/binary.md"), new byte[] {0, 1, 2, 3, 0, 0, 7, 8});
    Run ingest = cli("ingest");
    assertEquals(1, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.out().contains("5 listed: 5 new"), ingest.out());
    assertTrue(ingest.out().contains("; 2 failed"), ingest.out());
    assertTrue(ingest.out().contains("5 read, 3 converted"), ingest.out());
    assertTrue(ingest.out().contains("Failures (2):"), ingest.out());
    assertTrue(ingest.out().contains("handbook/notes: broken.pdf"), ingest.out());
    assertTrue(ingest.out().contains("handbook/notes: binary.md"), ingest.out());
    assertFalse(pointsByIdToContent().isEmpty());
  }

  @Test
  void aMissingBasePathIsReportedAndTheRunGoesOn() throws Exception {
    write(
        "config.yaml",
        "global:\n  qdrant:\n    collection_name: e2e\n"
            + "projects:\n  handbook:\n    sources:\n      localfile:\n"
            + "        notes:\n          base_url: docs\n"
            + "        gone:\n          base_url: no-such-dir\n"
            + "        cloud:\n          base_url: s3://some-bucket/docs\n"
            + "        odd:\n          base_url: docs[1]\n");
    Run ingest = cli("ingest");
    assertEquals(1, ingest.code(), ingest.out() + ingest.err());
    assertTrue(ingest.out().contains("base path does not exist"), ingest.out());
    assertTrue(ingest.out().contains("no Beam filesystem for `s3://`"), ingest.out());
    assertTrue(ingest.out().contains("base path contains a glob character"), ingest.out());
    assertTrue(ingest.out().contains("3 converted"), ingest.out());
  }

  @Test
  void aCollectionWithTheWrongVectorSizeIsRefusedAndNothingIsWritten() throws Exception {
    withStore(
        client ->
            client
                .createCollectionAsync(
                    "e2e",
                    VectorParams.newBuilder().setSize(768).setDistance(Distance.Cosine).build())
                .get());
    Run ingest = cli("ingest");
    assertEquals(2, ingest.code(), ingest.out());
    assertTrue(ingest.err().contains("has vectors of size 768"), ingest.err());
    assertTrue(ingest.err().contains("produces 384"), ingest.err());
    assertTrue(pointsByIdToContent().isEmpty());
  }

  @Test
  void configurationErrorsExitWithTwoAndNameTheLine() throws Exception {
    write("config.yaml", "global:\n  qdrant:\n    collection_name: [oops\n");
    Run bad = cli("ingest");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("line"), bad.err());

    write(
        "config.yaml",
        "global:\n  chunking:\n    chunk_sise: 100\nsources:\n  localfile:\n    d:\n      base_url: docs\n");
    Run unknown = cli("config");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("chunk_size"), unknown.err());

    write(
        "config.yaml",
        "global:\n  chunking:\n    chunk_size: 512\nsources:\n  localfile:\n    d:\n      base_url: docs\n");
    Run tooBig = cli("ingest");
    assertEquals(2, tooBig.code());
    assertTrue(tooBig.err().contains("embeds at most 128 tokens"), tooBig.err());

    Run usage = cli("ingest", "--no-such-flag");
    assertEquals(2, usage.code());
  }

  @Test
  void configMasksSecrets() throws Exception {
    write(
        "config.yaml",
        "global:\n  qdrant:\n    url: http://localhost:6334\n    api_key: ${QL_TEST_SECRET}\n"
            + "sources:\n  localfile:\n    d:\n      base_url: docs\n");
    write(".env", "QL_TEST_SECRET=s3cr3t-value\n");
    Run config = cli("config");
    assertEquals(0, config.code(), config.err());
    assertFalse(config.out().contains("s3cr3t-value"), config.out());
    assertTrue(config.out().contains("****"), config.out());
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("init", "ingest", "config", "status", "search", "local-qdrant")) {
      Run help = cli(command, "--help");
      assertEquals(0, help.code(), command);
      assertTrue(help.out().contains("Usage: qdrant-loader " + command), help.out());
    }
  }
}
