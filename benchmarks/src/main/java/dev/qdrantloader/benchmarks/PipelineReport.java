package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Writes the "Ingest pipeline" section of BENCHMARKS.md from the raw figures of one run. */
final class PipelineReport {
  static final String BEGIN = "<!-- pipeline:begin (written by benchmarks/run.sh) -->";
  static final String END = "<!-- pipeline:end -->";

  static final double EFFICIENCY_TARGET = 0.90;
  static final double OVERHEAD_TARGET = 5_000;
  static final double PEER_COLD_TARGET = 1.3;
  static final double PEER_RERUN_TARGET = 20;
  static final double MEMORY_TARGET = 1.3;

  private PipelineReport() {}

  /** Renders the section again from a raw figures file: {@code PipelineReport <json> <md>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println(
          "usage: PipelineReport <benchmarks/results/pipeline.json> <BENCHMARKS.md>");
      System.exit(2);
    }
    write(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of(args[0]).toFile()),
        Path.of(args[1]));
  }

  /** Median, min and max of one figure over a scenario's runs. */
  record Figure(double median, double min, double max, int n) {
    static Figure of(JsonNode runs, ToDoubleFunction<JsonNode> f) {
      List<Double> v = new ArrayList<>();
      for (JsonNode r : runs) {
        v.add(f.applyAsDouble(r));
      }
      return new Figure(Reports.median(v), Collections.min(v), Collections.max(v), v.size());
    }

    String range(String format) {
      return n < 2
          ? "(1 run)"
          : String.format(Locale.ROOT, format, min)
              + " - "
              + String.format(Locale.ROOT, format, max);
    }
  }

  static void write(JsonNode r, Path md) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append(BEGIN).append('\n');
    s.append(
        "## Ingest pipeline: cold run, re-runs, the model's limit, overhead, metrics, a peer,"
            + " memory\n\n");
    s.append(
        f(
            "Measured %s on %s, commit `%s`%s. %s. Corpus `%s` (%,d files; the `*.md` files except"
                + " `LICENSE.md` are ingested). Every run is a fresh JVM with `-Xmx%s`; each"
                + " figure is the median of %d runs with min - max.\n\n",
            r.path("date").asText().substring(0, 10),
            r.path("machine").asText(),
            r.path("git_commit").asText(),
            r.path("git_dirty").asBoolean() ? " plus uncommitted changes" : "",
            r.path("versions").asText(),
            r.path("corpus").asText(),
            r.path("corpus_files").asLong(),
            r.path("heap").asText(),
            r.path("runs").asInt()));
    s.append("Command: `").append(r.path("command").asText()).append("`\n\n");
    List<String> kept = new ArrayList<>();
    for (String scenario : PipelineBenchmarks.ALL) {
      if (!PipelineBenchmarks.REMOTE.contains(scenario)
          && r.path(scenario).has("kept_from_run_of")) {
        JsonNode k = r.path(scenario);
        String commit = k.path("kept_from_commit").asText("");
        kept.add(
            f(
                "`%s` (run of %s UTC%s)",
                scenario,
                k.get("kept_from_run_of").asText().substring(0, 16).replace('T', ' '),
                commit.isEmpty() ? "" : ", commit `" + commit + "`"));
      }
    }
    if (!kept.isEmpty()) {
      s.append("Not run this time, figures kept from an earlier run: ")
          .append(String.join(", ", kept))
          .append(".\n\n");
    }

    s.append("| scenario | figure | median | min - max |\n|---|---|---|---|\n");
    JsonNode cold = r.path("cold").path("runs");
    Figure coldWall = null;
    Figure coldIngest = null;
    Figure coldChunksPerSecond = null;
    Figure coldRss = null;
    if (cold.size() > 0) {
      coldWall = Figure.of(cold, x -> x.get("wall_seconds").asDouble());
      coldIngest = Figure.of(cold, x -> x.get("ingest_seconds").asDouble());
      Figure docs =
          Figure.of(cold, x -> x.get("documents").asDouble() / x.get("wall_seconds").asDouble());
      coldChunksPerSecond =
          Figure.of(cold, x -> x.get("chunks").asDouble() / x.get("wall_seconds").asDouble());
      coldRss = Figure.of(cold, x -> x.get("peak_rss_bytes").asDouble() / (1 << 20));
      JsonNode first = cold.get(0);
      row(
          s,
          "cold",
          f(
              "wall time, process start to exit (%,d documents, %,d chunks = points)",
              first.get("documents").asLong(), first.get("chunks").asLong()),
          coldWall,
          "%.1f s");
      row(s, "cold", "ingest time inside the JVM (run report)", coldIngest, "%.1f s");
      row(s, "cold", "documents/s (wall)", docs, "%.1f");
      row(s, "cold", "chunks/s (wall)", coldChunksPerSecond, "%.1f");
      row(s, "cold", "peak RSS", coldRss, "%,.0f MiB");
    }
    JsonNode spark = r.path("spark").path("runs");
    if (spark.size() > 0) {
      Figure sparkWall = Figure.of(spark, x -> x.get("wall_seconds").asDouble());
      JsonNode first = spark.get(0);
      row(
          s,
          "spark",
          f(
              "wall time of the same cold ingest with `--runner spark` (Spark local on every"
                  + " core; %,d documents, %,d chunks = points)",
              first.get("documents").asLong(), first.get("chunks").asLong()),
          sparkWall,
          "%.1f s");
      row(
          s,
          "spark",
          "ingest time inside the JVM (run report)",
          Figure.of(spark, x -> x.get("ingest_seconds").asDouble()),
          "%.1f s");
      row(
          s,
          "spark",
          "chunks/s (wall)",
          Figure.of(spark, x -> x.get("chunks").asDouble() / x.get("wall_seconds").asDouble()),
          "%.1f");
      row(
          s,
          "spark",
          "peak RSS",
          Figure.of(spark, x -> x.get("peak_rss_bytes").asDouble() / (1 << 20)),
          "%,.0f MiB");
      if (coldWall != null) {
        s.append(
            f(
                "| spark | wall time against the DirectRunner's cold run (medians) | %.2fx | |\n",
                sparkWall.median() / coldWall.median()));
      }
    }
    RerunReport rerun = new RerunReport(r);
    rerun.rows(s);
    JsonNode limit = r.path("limit").path("runs");
    Figure limitRate = null;
    if (limit.size() > 0) {
      limitRate = Figure.of(limit, x -> x.get("chunks_per_second").asDouble());
      JsonNode first = limit.get(0);
      row(
          s,
          "limit",
          f(
              "chunks/s, the same %,d chunk texts (%,d tokens, at most %d per chunk)"
                  + " embedded whole with ONNX Runtime: %s",
              first.get("chunks").asLong(),
              first.get("tokens").asLong(),
              first.get("max_tokens").asInt(),
              first.get("variant").asText()),
          limitRate,
          "%.1f");
    }
    JsonNode overhead = r.path("overhead").path("runs");
    Figure overheadRate = null;
    if (overhead.size() > 0) {
      overheadRate =
          Figure.of(
              overhead, x -> x.get("chunks").asDouble() / x.get("pipeline_seconds").asDouble());
      Figure overheadWall =
          Figure.of(overhead, x -> x.get("chunks").asDouble() / x.get("wall_seconds").asDouble());
      row(s, "overhead", "chunks/s, zero-cost embedder, pipeline run", overheadRate, "%,.0f");
      row(
          s,
          "overhead",
          "chunks/s, zero-cost embedder, process start to exit",
          overheadWall,
          "%,.0f");
    }
    MetricsReport metrics = new MetricsReport(r, cores(r));
    metrics.rows(s);
    JsonNode peer = r.path("peer").path("runs");
    Figure peerCold = null;
    Figure peerRerun = null;
    if (peer.size() > 0) {
      peerCold = Figure.of(peer, x -> x.get("cold_seconds").asDouble());
      peerRerun = Figure.of(peer, x -> x.get("rerun_seconds").asDouble());
      JsonNode first = peer.get(0);
      row(
          s,
          "peer",
          f(
              "LangChain4j %s EmbeddingStoreIngestor, cold (%,d documents, %,d segments"
                  + " of <= %d tokens)",
              first.path("langchain4j_version").asText(),
              first.get("documents").asLong(),
              first.get("segments").asLong(),
              first.get("chunk_tokens").asInt()),
          peerCold,
          "%.1f s");
      row(
          s,
          "peer",
          "re-run of the same corpus (no change detection: everything again)",
          peerRerun,
          "%.1f s");
      row(
          s,
          "peer",
          f(
              "share of tokens its encoder embeds (%,d segments cut at 128 tokens)",
              first.get("segments_truncated").asLong()),
          Figure.of(peer, x -> x.get("embedded_token_share").asDouble()),
          "%.4f");
    }
    JsonNode memory = r.path("memory");
    Figure bigRss = null;
    if (memory.has("run")) {
      JsonNode run = memory.get("run");
      bigRss = new Figure(run.get("peak_rss_bytes").asDouble() / (1 << 20), 0, 0, 1);
      row(
          s,
          "memory",
          f(
              "peak RSS, corpus x %d (%,d files, %,d chunks; %.0f s)",
              memory.get("copies").asInt(),
              memory.get("files").asLong(),
              run.get("chunks").asLong(),
              run.get("wall_seconds").asDouble()),
          bigRss,
          "%,.0f MiB");
    }

    s.append("\n| target | figure | status |\n|---|---|---|\n");
    if (coldChunksPerSecond != null && limitRate != null) {
      double e = coldChunksPerSecond.median() / limitRate.median();
      target(
          s,
          f("efficiency: cold chunks/s / limit chunks/s >= %.2f", EFFICIENCY_TARGET),
          f("%.2f", e),
          e >= EFFICIENCY_TARGET,
          f("short by %.0f%%", (EFFICIENCY_TARGET - e) * 100));
    }
    if (overheadRate != null) {
      target(
          s,
          f("overhead scenario >= %,.0f chunks/s", OVERHEAD_TARGET),
          f("%,.0f chunks/s", overheadRate.median()),
          overheadRate.median() >= OVERHEAD_TARGET,
          f("at %.0f%% of the target", 100 * overheadRate.median() / OVERHEAD_TARGET));
    }
    metrics.targets(s);
    if (coldIngest != null && peerCold != null) {
      double ratio = peerCold.median() / coldIngest.median();
      target(
          s,
          f(
              "cold ingest >= %.1fx faster than the peer (peer cold / our ingest time)",
              PEER_COLD_TARGET),
          f("%.2fx", ratio),
          ratio >= PEER_COLD_TARGET,
          f("at %.0f%% of the target", 100 * ratio / PEER_COLD_TARGET));
    }
    rerun.targets(s, r, coldWall, peerRerun);
    if (coldRss != null && bigRss != null) {
      long heapOne = cold.get(0).path("profile").path("max_heap_after_gc_bytes").asLong();
      long heapBig = memory.get("run").path("profile").path("max_heap_after_gc_bytes").asLong();
      if (heapOne > 0 && heapBig > 0) {
        s.insert(
            s.lastIndexOf("\n| target |"),
            f(
                "| memory | live heap at its peak (most heap in"
                    + " use right after a GC, JFR), corpus x 1 (cold run 1) / x %d | %,d / %,d MiB | |\n",
                memory.get("copies").asInt(), heapOne >> 20, heapBig >> 20));
        if (memory.has("collection_heap_bytes")) {
          s.insert(
              s.lastIndexOf("\n| target |"),
              f(
                  "| memory | of which the embedded Qdrant's collection (local mode holds every"
                      + " point in memory), x 1 / x %d | %,d / %,d MiB | |\n",
                  memory.get("copies").asInt(),
                  memory.get("collection_heap_bytes_x1").asLong() >> 20,
                  memory.get("collection_heap_bytes").asLong() >> 20));
        }
      }
      double ratio = bigRss.median() / coldRss.median();
      target(
          s,
          f(
              "peak RSS with the corpus x %d <= %.1fx the corpus x 1",
              memory.get("copies").asInt(), MEMORY_TARGET),
          f("%.2fx (%,.0f / %,.0f MiB)", ratio, bigRss.median(), coldRss.median()),
          ratio <= MEMORY_TARGET,
          f("over by %.0f%%", (ratio / MEMORY_TARGET - 1) * 100));
    }

    metrics.note(s);
    if (cold.size() > 0) {
      JsonNode run = cold.get(0);
      s.append(
          f(
              "\n**Where the cold run's time goes** (run 1; %.0f s wall x %d cores = %.0f"
                  + " core-seconds). Busy time per stage from the stages' Beam metrics, summed over"
                  + " threads:\n\n",
              run.get("wall_seconds").asDouble(),
              cores(r),
              run.get("wall_seconds").asDouble() * cores(r)));
      stages(s, run.get("distributions"), run.get("wall_seconds").asDouble() * cores(r));
      cpu(s, run, run.get("wall_seconds").asDouble() * cores(r));
      profile(s, "cold run 1", run.path("profile"));
    }
    rerun.timeGoes(s, cores(r));
    if (overhead.size() > 0) {
      JsonNode run = overhead.get(0);
      s.append(
          f(
              "\n**Where the overhead run's time goes** (run 1; %.1f s of pipeline x %d cores"
                  + " = %.1f core-seconds):\n\n",
              run.get("pipeline_seconds").asDouble(),
              cores(r),
              run.get("pipeline_seconds").asDouble() * cores(r)));
      stages(s, run.get("distributions"), run.get("pipeline_seconds").asDouble() * cores(r));
      cpu(s, run, run.get("wall_seconds").asDouble() * cores(r));
      profile(s, "overhead run 1", run.path("profile"));
    }
    s.append(END).append('\n');
    Reports.writeSection(md, BEGIN, END, s.toString());
  }

  private static int cores(JsonNode r) {
    String m = r.path("machine").asText();
    return Integer.parseInt(m.substring(0, m.indexOf(' ')));
  }

  private static final String[][] STAGES = {
    {"ReadDocuments.read_micros", "read files", "1e-6"},
    {"ConvertDocuments.conversion_millis", "convert (Tika)", "1e-3"},
    {"ChunkDocuments.chunk_micros", "chunk (with token counting)", "1e-6"},
    {"EmbedChunks.embed_millis", "embed (model calls)", "1e-3"},
    {"QdrantIO.upsert_millis", "write (upsert, wait=true)", "1e-3"},
  };

  static void stages(StringBuilder s, JsonNode dists, double coreSeconds) {
    s.append("| stage | busy core-seconds | share of the run's core-seconds | calls |\n");
    s.append("|---|---|---|---|\n");
    double total = 0;
    for (String[] st : STAGES) {
      JsonNode d = dists.path(st[0]);
      if (d.isMissingNode()) {
        continue;
      }
      double seconds = d.get("sum").asDouble() * Double.parseDouble(st[2]);
      total += seconds;
      s.append(
          f(
              "| %s | %.1f | %.0f%% | %,d |\n",
              st[1], seconds, 100 * seconds / coreSeconds, d.get("count").asLong()));
    }
    s.append(
        f(
            "| everything else (JVM start, model load, Beam's shuffles and batching, idle) |"
                + " %.1f | %.0f%% | |\n",
            coreSeconds - total, 100 * (coreSeconds - total) / coreSeconds));
  }

  static void cpu(StringBuilder s, JsonNode run, double coreSecondsOfProcess) {
    if (run.has("cpu_seconds")) {
      s.append(
          f(
              "\nThe process, start to exit, used %.1f CPU core-seconds: %.0f%% of the %.1f its"
                  + " wall time offered.\n",
              run.get("cpu_seconds").asDouble(),
              100 * run.get("cpu_seconds").asDouble() / coreSecondsOfProcess,
              coreSecondsOfProcess));
    }
  }

  static void profile(StringBuilder s, String what, JsonNode p) {
    if (p.isMissingNode() || p.path("samples").asLong() == 0) {
      return;
    }
    double n = p.get("samples").asDouble();
    s.append(
        f(
            "\nJFR profile of the %s (%,.0f CPU samples, Java and native; idle waits left"
                + " out). By area (first project or library frame from the top of the stack): ",
            what, n));
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = p.get("areas").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      double share = e.getValue().asDouble() / n;
      if (share >= 0.01) {
        parts.add(f("%s %.0f%%", e.getKey(), 100 * share));
      }
    }
    s.append(String.join(", ", parts)).append(". Hottest methods: ");
    parts.clear();
    int i = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = p.get("top_methods").fields();
        it.hasNext() && i < 8;
        i++) {
      Map.Entry<String, JsonNode> e = it.next();
      parts.add(f("`%s` %.1f%%", e.getKey(), 100 * e.getValue().asDouble() / n));
    }
    s.append(String.join(", ", parts)).append(".\n");
  }

  static void row(StringBuilder s, String scenario, String figure, Figure v, String fmt) {
    s.append(f("| %s | %s | %s | %s |\n", scenario, figure, f(fmt, v.median()), v.range(fmt)));
  }

  static void target(StringBuilder s, String target, String value, boolean met, String missedBy) {
    s.append(f("| %s | %s | %s |\n", target, value, met ? "met" : "NOT met: " + missedBy));
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
