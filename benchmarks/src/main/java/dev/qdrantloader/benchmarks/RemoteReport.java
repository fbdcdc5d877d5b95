package dev.qdrantloader.benchmarks;

import static dev.qdrantloader.benchmarks.PipelineReport.f;
import static dev.qdrantloader.benchmarks.PipelineReport.row;
import static dev.qdrantloader.benchmarks.PipelineReport.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.benchmarks.PipelineReport.Figure;
import java.io.IOException;
import java.nio.file.Path;

/** Writes the "Remote embedding provider" section of BENCHMARKS.md (remote, duplicates). */
final class RemoteReport {
  static final String BEGIN = "<!-- remote:begin (written by benchmarks/run.sh) -->";
  static final String END = "<!-- remote:end -->";

  static final double PEER_TARGET = 5;
  static final double SENT_TARGET = 0.70;

  private RemoteReport() {}

  /** Renders the section again from a raw figures file: {@code RemoteReport <json> <md>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: RemoteReport <benchmarks/results/pipeline.json> <BENCHMARKS.md>");
      System.exit(2);
    }
    write(new ObjectMapper().readTree(Path.of(args[0]).toFile()), Path.of(args[1]));
  }

  static void write(JsonNode r, Path md) throws IOException {
    JsonNode remote = r.path("remote");
    JsonNode dup = r.path("duplicates");
    JsonNode provider = remote.has("provider") ? remote.get("provider") : dup.path("provider");
    StringBuilder s = new StringBuilder();
    s.append(BEGIN).append('\n');
    s.append("## Remote embedding provider: against a peer, and repeated chunk texts\n\n");
    s.append(
        f(
            "Measured %s on %s, commit `%s`%s. The provider is `FakeEmbeddingServer` on loopback,"
                + " in the benchmark's own JVM (not measured): it answers in %d ms plus %d ms per"
                + " input, takes at most %,d inputs per request, serves %d requests in parallel"
                + " and returns %d-d vectors. Both sides run in a fresh JVM with `-Xmx%s`, with the"
                + " embedded Qdrant (local mode, on disk) in that JVM; chunks of at most %d cl100k"
                + " tokens. Each figure is the median of the runs with min - max.\n\n",
            r.path("date").asText().substring(0, 10),
            r.path("machine").asText(),
            r.path("git_commit").asText(),
            r.path("git_dirty").asBoolean() ? " plus uncommitted changes" : "",
            provider.path("base_latency_millis").asLong(),
            provider.path("per_input_millis").asLong(),
            provider.path("max_inputs_per_request").asLong(),
            provider.path("threads").asInt(),
            provider.path("dimensions").asInt(),
            r.path("heap").asText(),
            provider.path("chunk_tokens").asInt()));
    s.append("Command: `").append(r.path("command").asText()).append("`\n\n");
    s.append("| scenario | figure | median | min - max |\n|---|---|---|---|\n");

    JsonNode ours = remote.path("ours").path("runs");
    JsonNode peer = remote.path("peer").path("runs");
    Figure oursWall = null;
    Figure peerWall = null;
    if (remote.has("files")) {
      s.append(
          f(
              "| remote | corpus: %,d files planned to give %,d chunks (%s)%s%s | | |\n",
              remote.get("files").asLong(),
              remote.get("planned_chunks").asLong(),
              remote.get("corpus").asText(),
              remote.path("scale").asDouble(1) < 1
                  ? f(", scale %s", remote.get("scale").asText())
                  : "",
              kept(remote)));
    }
    if (ours.size() > 0) {
      JsonNode first = ours.get(0);
      oursWall = Figure.of(ours, x -> x.get("wall_seconds").asDouble());
      row(
          s,
          "remote",
          f(
              "ours (`provider: openai` at the fake's URL, defaults): wall time, process start to exit"
                  + " (%,d documents, %,d chunks = points)",
              first.get("documents").asLong(), first.get("chunks").asLong()),
          oursWall,
          "%.1f s");
      row(
          s,
          "remote",
          "ours: ingest time inside the JVM (run report)",
          Figure.of(ours, x -> x.get("ingest_seconds").asDouble()),
          "%.1f s");
      providerRows(s, "ours", ours);
      row(
          s,
          "remote",
          "ours: peak RSS",
          Figure.of(ours, x -> x.get("peak_rss_bytes").asDouble() / (1 << 20)),
          "%,.0f MiB");
    }
    if (peer.size() > 0) {
      JsonNode first = peer.get(0);
      peerWall = Figure.of(peer, x -> x.get("wall_seconds").asDouble());
      row(
          s,
          "remote",
          f(
              "peer (LangChain4j %s EmbeddingStoreIngestor, OpenAiEmbeddingModel %s at its"
                  + " defaults): wall time, process start to exit (%,d documents, %,d segments,"
                  + " %,d distinct texts)",
              first.path("langchain4j_version").asText(),
              first.path("langchain4j_open_ai_version").asText(),
              first.get("documents").asLong(),
              first.get("segments").asLong(),
              first.get("distinct_segment_texts").asLong()),
          peerWall,
          "%.1f s");
      row(
          s,
          "remote",
          "peer: ingest time inside the JVM",
          Figure.of(peer, x -> x.get("seconds").asDouble()),
          "%.1f s");
      providerRows(s, "peer", peer);
      row(
          s,
          "remote",
          "peer: peak RSS",
          Figure.of(peer, x -> x.get("peak_rss_bytes").asDouble() / (1 << 20)),
          "%,.0f MiB");
    }
    if (dup.has("run")) {
      JsonNode run = dup.get("run");
      if (dup.path("scale").asDouble(1) < 1) {
        s.append(f("| duplicates | scale %s of the corpus | | |\n", dup.get("scale").asText()));
      }
      long stored = dup.get("stored_chunks").asLong();
      long distinct = dup.get("distinct_chunk_texts").asLong();
      long inputs = run.path("provider").path("inputs").asLong();
      s.append(f("| duplicates | corpus: %s%s | | |\n", dup.get("corpus").asText(), kept(dup)));
      s.append(
          f(
              "| duplicates | chunks (points), distinct chunk texts among them (from the"
                  + " collection), share that repeat an earlier text | %,d, %,d, %.1f%% | (1"
                  + " run) |\n",
              stored, distinct, 100 * dup.get("repeated_share").asDouble()));
      s.append(
          f(
              "| duplicates | inputs sent to the provider (in %,d requests, one of them the start-up probe); per distinct text |"
                  + " %,d; %.2f | (1 run) |\n",
              run.path("provider").path("requests").asLong(), inputs, (double) inputs / distinct));
      s.append(
          f(
              "| duplicates | wall time, process start to exit | %.1f s | (1 run) |\n",
              run.get("wall_seconds").asDouble()));
    }

    s.append("\n| target | figure | status |\n|---|---|---|\n");
    if (oursWall != null || peerWall != null) {
      String t =
          f(
              "remote: ours >= %.0fx faster than the peer (peer wall time / ours, medians)",
              PEER_TARGET);
      if (oursWall != null && peerWall != null) {
        double ratio = peerWall.median() / oursWall.median();
        target(
            s,
            t,
            f("%.1fx (%.1f s / %.1f s)", ratio, peerWall.median(), oursWall.median()),
            ratio >= PEER_TARGET,
            f("at %.0f%% of the target", 100 * ratio / PEER_TARGET));
      } else {
        s.append(
            f(
                "| %s | %s | not compared: only %s ran |\n",
                t,
                oursWall != null
                    ? f("ours %.1f s", oursWall.median())
                    : f("peer %.1f s", peerWall.median()),
                oursWall != null ? "our side" : "the peer"));
      }
    }
    if (dup.has("run")) {
      double sent = dup.get("sent_share").asDouble();
      target(
          s,
          f(
              "duplicates: with %.0f%% of chunk texts repeating, at most %.0f%% of the chunks"
                  + " sent to the provider",
              100 * DuplicatesScenario.REPEAT_SHARE, 100 * SENT_TARGET),
          f(
              "%.1f%% (measured repeats: %.1f%%)",
              100 * sent, 100 * dup.get("repeated_share").asDouble()),
          sent <= SENT_TARGET,
          f("over by %.1f points", 100 * (sent - SENT_TARGET)));
    }
    s.append(END).append('\n');
    Reports.writeSection(md, BEGIN, END, s.toString());
  }

  /** Figures kept from an earlier run (the scenario did not run this time) say so. */
  private static String kept(JsonNode scenario) {
    return scenario.has("kept_from_run_of")
        ? f("; figures kept from the run of %s", scenario.get("kept_from_run_of").asText())
        : "";
  }

  private static void providerRows(StringBuilder s, String side, JsonNode runs) {
    row(
        s,
        "remote",
        side + ": requests the provider served",
        Figure.of(runs, x -> x.path("provider").path("served").asDouble()),
        "%,.0f");
    row(
        s,
        "remote",
        side + ": inputs the provider embedded",
        Figure.of(runs, x -> x.path("provider").path("inputs").asDouble()),
        "%,.0f");
  }
}
