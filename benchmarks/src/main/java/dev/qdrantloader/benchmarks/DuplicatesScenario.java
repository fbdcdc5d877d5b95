package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qdrantloader.io.embedding.remote.FakeEmbeddingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The "duplicates" scenario: our CLI ingests a corpus where about {@link #REPEAT_SHARE} of the
 * chunk texts repeat ({@link RemoteCorpora#withDuplicates}, seeded) against the fake provider of
 * the remote scenario; the provider's counter says how many chunks it was sent. What repeats is
 * measured after the run from the collection itself (the chunk texts of all points), not taken from
 * the plan. One run: the figures are counts.
 */
final class DuplicatesScenario {
  static final double REPEAT_SHARE = 0.30;
  static final long SEED = 6;

  private final PipelineBenchmarks bench;
  private final Path work;
  private final double scale;
  private final ObjectMapper json = new ObjectMapper();

  DuplicatesScenario(PipelineBenchmarks bench, Path work, double scale) {
    this.bench = bench;
    this.work = work;
    this.scale = scale;
  }

  ObjectNode run(Path corpus) throws Exception {
    Path generated = work.resolve("duplicates-corpus");
    PipelineBenchmarks.deleteTree(generated);
    RemoteCorpora.Planned planned =
        new RemoteCorpora(RemoteScenario.CHUNK_TOKENS)
            .withDuplicates(corpus, generated, scale, REPEAT_SHARE, SEED);
    System.out.printf(
        Locale.ROOT,
        "[duplicates] %s: planned %,d chunks, %,d of them repeated (%.1f%%)%n",
        planned.how(),
        planned.chunks(),
        planned.repeatedChunks(),
        100.0 * planned.repeatedChunks() / planned.chunks());
    ObjectNode r = json.createObjectNode();
    r.put("scale", scale);
    r.put("seed", SEED);
    r.put("corpus", planned.how());
    r.put("files", planned.files());
    r.put("planned_chunks", planned.chunks());
    r.put("planned_repeated_chunks", planned.repeatedChunks());
    r.set("provider", RemoteScenario.providerJson());
    String name = "duplicates";
    try (FakeEmbeddingServer provider =
        FakeEmbeddingServer.start(RemoteScenario.providerConfig())) {
      Path ws = bench.workspace(name, generated, RemoteScenario.embeddingYaml(provider.baseUrl()));
      ObjectNode run = bench.ingest(name, ws, false);
      RemoteScenario.putCounters(run, provider);
      RemoteScenario.requireSent(run, name, provider);
      if (run.get("failed_documents").asLong() != 0) {
        throw new IllegalStateException(
            name
                + ": "
                + run.get("failed_documents").asLong()
                + " documents failed; log: "
                + work.resolve(name + ".log"));
      }
      r.set("run", run);
      // What repeats, from the chunk texts the collection holds.
      Path texts = work.resolve("duplicates-chunks.jsonl");
      ProcessProbe.run(
          bench.java(
              "-cp",
              bench.benchJar(),
              ChunkDump.class.getName(),
              "--qdrant-path",
              ws.resolve(".qdrant-loader/qdrant").toString(),
              "--collection",
              PipelineBenchmarks.COLLECTION,
              "--out",
              texts.toString()),
          work.resolve("duplicates-chunk-dump.log"));
      List<String> lines = Files.readAllLines(texts, StandardCharsets.UTF_8);
      Set<String> distinct = new HashSet<>(lines);
      r.put("stored_chunks", lines.size());
      r.put("distinct_chunk_texts", distinct.size());
      r.put("repeated_share", 1 - (double) distinct.size() / lines.size());
      r.put("sent_share", (double) provider.inputs() / lines.size());
      System.out.printf(
          Locale.ROOT,
          "[duplicates] %,d chunks stored, %,d distinct texts (%.1f%% repeat); the provider was"
              + " sent %,d inputs in %,d requests: %.1f%% of the chunks%n",
          lines.size(),
          distinct.size(),
          100 * r.get("repeated_share").asDouble(),
          provider.inputs(),
          provider.requests(),
          100 * r.get("sent_share").asDouble());
      PipelineBenchmarks.deleteTree(ws);
    }
    PipelineBenchmarks.deleteTree(generated);
    return r;
  }
}
