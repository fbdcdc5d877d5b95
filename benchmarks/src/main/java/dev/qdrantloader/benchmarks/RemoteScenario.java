package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qdrantloader.io.embedding.remote.FakeEmbeddingServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "remote" scenario: about 50,000 chunks embedded by a provider that answers like a real one,
 * through our CLI and through LangChain4j ({@link RemotePeerIngest}), each run in a fresh JVM
 * measured from outside, the two sides alternating run by run.
 *
 * <p>The provider is {@link FakeEmbeddingServer}, started afresh for every run in this JVM (which
 * is not measured, so its serving threads are not counted in either side's CPU time), so its
 * counters say what each side sent. It answers in 50 ms plus 2 ms per input, takes at most 2,048
 * inputs per request and serves {@link #PROVIDER_THREADS} requests in parallel: more than either
 * side sends at once, so the server's pool is never what limits a client.
 *
 * <p>The corpus is the Markdown corpus copied until it holds the chunks wanted ({@link
 * RemoteCorpora#distinctCopies}), every copy's paragraphs marked so that no chunk text repeats: a
 * side that skips repeated texts gains nothing here (that is the duplicates scenario).
 */
final class RemoteScenario {
  static final long CHUNKS = 50_000;
  static final int CHUNK_TOKENS = 128;
  static final int DIMENSIONS = 384;
  static final long BASE_LATENCY_MILLIS = 50;
  static final long PER_INPUT_MILLIS = 2;
  static final int MAX_INPUTS = 2_048;
  static final int PROVIDER_THREADS = 64;
  static final String MODEL = "text-embedding-3-small";

  private final PipelineBenchmarks bench;
  private final Path work;
  private final int runs;
  private final double scale;
  private final List<String> sides;
  private final ObjectMapper json = new ObjectMapper();

  RemoteScenario(PipelineBenchmarks bench, Path work, int runs, double scale, List<String> sides) {
    this.bench = bench;
    this.work = work;
    this.runs = runs;
    this.scale = scale;
    this.sides = sides;
  }

  ObjectNode run(Path corpus) throws Exception {
    Path copies = work.resolve("remote-corpus");
    PipelineBenchmarks.deleteTree(copies);
    long target = Math.round(CHUNKS * scale);
    RemoteCorpora.Planned planned =
        new RemoteCorpora(CHUNK_TOKENS).distinctCopies(corpus, copies, target);
    System.out.printf(
        Locale.ROOT,
        "[remote] %,d files planned to give %,d chunks of <= %d cl100k tokens: %s%n",
        planned.files(),
        planned.chunks(),
        CHUNK_TOKENS,
        planned.how());
    ObjectNode r = json.createObjectNode();
    r.put("scale", scale);
    r.put("files", planned.files());
    r.put("planned_chunks", planned.chunks());
    r.put("corpus", planned.how());
    r.set("provider", providerJson());
    ArrayNode ours = json.createArrayNode();
    ArrayNode peer = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      if (sides.contains("ours")) {
        ours.add(ours("remote-ours-" + i, copies));
      }
      if (sides.contains("peer")) {
        peer.add(peer("remote-peer-" + i, copies));
      }
    }
    r.putObject("ours").set("runs", ours);
    r.putObject("peer").set("runs", peer);
    PipelineBenchmarks.deleteTree(copies);
    return r;
  }

  private ObjectNode ours(String name, Path corpus) throws Exception {
    try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(providerConfig())) {
      Path ws = bench.workspace(name, corpus, embeddingYaml(provider.baseUrl()));
      ObjectNode r = bench.ingest(name, ws, false);
      putCounters(r, provider);
      requireSent(r, name, provider);
      if (r.get("failed_documents").asLong() != 0 || r.get("points").asLong() == 0) {
        throw new IllegalStateException(
            name
                + ": "
                + r.get("failed_documents").asLong()
                + " documents failed, "
                + r.get("points").asLong()
                + " points written; log: "
                + work.resolve(name + ".log"));
      }
      System.out.printf(
          Locale.ROOT,
          "[%s] %,d chunks, provider saw %,d requests with %,d inputs%n",
          name,
          r.get("chunks").asLong(),
          provider.requests(),
          provider.inputs());
      PipelineBenchmarks.deleteTree(ws);
      return r;
    }
  }

  private ObjectNode peer(String name, Path corpus) throws Exception {
    try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(providerConfig())) {
      Path dir = work.resolve(name);
      PipelineBenchmarks.deleteTree(dir);
      Path out = work.resolve(name + ".json");
      List<String> cmd =
          bench.java(
              "-cp",
              bench.benchJar(),
              RemotePeerIngest.class.getName(),
              "--corpus",
              corpus.toString(),
              "--qdrant-path",
              dir.toString(),
              "--base-url",
              provider.baseUrl(),
              "--chunk-tokens",
              Integer.toString(CHUNK_TOKENS),
              "--dimensions",
              Integer.toString(DIMENSIONS),
              "--out",
              out.toString());
      System.out.println("[" + name + "] " + String.join(" ", cmd));
      ProcessProbe.Measured m = ProcessProbe.run(cmd, work.resolve(name + ".log"));
      ObjectNode r = (ObjectNode) json.readTree(out.toFile());
      PipelineBenchmarks.putMeasured(r, m);
      putCounters(r, provider);
      requireSent(r, name, provider);
      System.out.printf(
          Locale.ROOT,
          "[%s] %,d segments in %.1f s (wall %.1f s), provider saw %,d requests with %,d inputs%n",
          name,
          r.get("segments").asLong(),
          r.get("seconds").asDouble(),
          m.wallSeconds(),
          provider.requests(),
          provider.inputs());
      PipelineBenchmarks.deleteTree(dir);
      return r;
    }
  }

  /** The workspace's embedding and chunking settings: our CLI against {@code baseUrl}. */
  /**
   * Ours as a user of OpenAI configures it, pointed at the fake: the {@code openai} dialect (the
   * peer is LangChain4j's OpenAI model), every limit at its default.
   */
  static String embeddingYaml(String baseUrl) {
    return "  embedding:\n"
        + "    provider: openai\n"
        + "    model: "
        + MODEL
        + "\n"
        + "    base_url: \""
        + baseUrl
        + "\"\n"
        + "    api_key: bench\n"
        + "    dimensions: "
        + DIMENSIONS
        + "\n"
        + "  chunking:\n"
        + "    chunk_size: "
        + CHUNK_TOKENS
        + "\n";
  }

  static FakeEmbeddingServer.Config providerConfig() {
    return FakeEmbeddingServer.Config.defaults()
        .withLatency(BASE_LATENCY_MILLIS, PER_INPUT_MILLIS)
        .withCaps(MAX_INPUTS, 0)
        .withDimension(DIMENSIONS)
        .withThreads(PROVIDER_THREADS);
  }

  static ObjectNode providerJson() {
    ObjectNode p = new ObjectMapper().createObjectNode();
    p.put("base_latency_millis", BASE_LATENCY_MILLIS);
    p.put("per_input_millis", PER_INPUT_MILLIS);
    p.put("max_inputs_per_request", MAX_INPUTS);
    p.put("threads", PROVIDER_THREADS);
    p.put("dimensions", DIMENSIONS);
    p.put("chunk_tokens", CHUNK_TOKENS);
    return p;
  }

  static void putCounters(ObjectNode r, FakeEmbeddingServer provider) {
    ObjectNode c = r.putObject("provider");
    c.put("requests", provider.requests());
    c.put("served", provider.served());
    c.put("inputs", provider.inputs());
    c.put("faults", provider.faults());
  }

  /**
   * Fails loudly when a run sent the provider nothing (a configuration it ignored and a local model
   * would do that) or was refused: the figures would measure something else.
   */
  static void requireSent(JsonNode r, String name, FakeEmbeddingServer provider) {
    List<String> wrong = new ArrayList<>();
    if (provider.served() == 0) {
      wrong.add("the provider served no request");
    }
    if (provider.requests() != provider.served()) {
      wrong.add(
          (provider.requests() - provider.served())
              + " of "
              + provider.requests()
              + " requests were refused (over the caps, or malformed)");
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException(
          name + " does not measure what it should: " + String.join("; ", wrong) + "; " + r);
    }
  }
}
