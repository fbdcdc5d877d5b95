package dev.qdrantloader.benchmarks;

import static dev.qdrantloader.benchmarks.PipelineReport.f;
import static dev.qdrantloader.benchmarks.PipelineReport.row;
import static dev.qdrantloader.benchmarks.PipelineReport.target;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qdrantloader.benchmarks.PipelineReport.Figure;

/**
 * The rerun scenario's part of the pipeline section: its rows, its targets against the cold ingest
 * and the peer of the same invocation, and where an unchanged re-run's time goes.
 */
final class RerunReport {
  static final double UNCHANGED_TARGET = 0.05;
  static final double CHANGED_TARGET = 0.08;

  private final JsonNode rerun;
  private final JsonNode unchanged;
  private final JsonNode changed;

  /** Medians of the unchanged re-runs, or null when there are none. */
  final Figure unchangedWall;

  final Figure unchangedIngest;

  /** Median of the changed re-runs' wall time, or null when there are none. */
  final Figure changedWall;

  RerunReport(JsonNode r) {
    rerun = r.path("rerun");
    unchanged = rerun.path("unchanged").path("runs");
    changed = rerun.path("changed").path("runs");
    unchangedWall = unchanged.size() > 0 ? Figure.of(unchanged, RerunReport::wall) : null;
    unchangedIngest =
        unchanged.size() > 0 ? Figure.of(unchanged, x -> x.get("ingest_seconds").asDouble()) : null;
    changedWall = changed.size() > 0 ? Figure.of(changed, RerunReport::wall) : null;
  }

  /** Whether two scenarios' figures come from one invocation (neither kept from an earlier one). */
  static boolean sameRun(JsonNode a, JsonNode b) {
    return !a.isMissingNode()
        && !b.isMissingNode()
        && a.path("kept_from_run_of").asText("").equals(b.path("kept_from_run_of").asText(""));
  }

  void rows(StringBuilder s) {
    JsonNode own = rerun.path("cold_ingest");
    if (!own.isMissingNode()) {
      row(
          s,
          "rerun",
          "cold ingest of the corpus copy the re-runs start from (the cold scenario was not run):"
              + " wall time",
          new Figure(wall(own), wall(own), wall(own), 1),
          "%.1f s");
    }
    if (unchangedWall != null) {
      row(
          s,
          "rerun",
          f(
              "unchanged corpus: wall time, process start to exit (%,d documents listed, all with"
                  + " the size and time their entries record: nothing read, converted, embedded"
                  + " or written)",
              rerun.path("documents").asLong()),
          unchangedWall,
          "%.1f s");
      row(
          s,
          "rerun",
          "unchanged: ingest time inside the JVM (run report)",
          unchangedIngest,
          "%.1f s");
      row(s, "rerun", "unchanged: CPU core-seconds, start to exit", cpu(unchanged), "%.1f");
      row(s, "rerun", "unchanged: peak RSS", rss(unchanged), "%,.0f MiB");
    }
    if (changedWall != null) {
      row(
          s,
          "rerun",
          f(
              "1%% changed (%,d of %,d documents, a different set each run; in each, %s):"
                  + " wall time, process start to exit",
              changed.get(0).path("documents_edited").asLong(),
              rerun.path("documents").asLong(),
              rerun.path("changed").path("edit").asText()),
          changedWall,
          "%.1f s");
      row(
          s,
          "rerun",
          "1% changed: ingest time inside the JVM (run report)",
          Figure.of(changed, x -> x.get("ingest_seconds").asDouble()),
          "%.1f s");
      row(s, "rerun", "1% changed: CPU core-seconds, start to exit", cpu(changed), "%.1f");
      row(s, "rerun", "1% changed: peak RSS", rss(changed), "%,.0f MiB");
      row(
          s,
          "rerun",
          "1% changed: chunk texts embedded (new texts of the edited documents)",
          counter(changed, "EmbedChunks.embeddings_computed"),
          "%,.0f");
      row(
          s,
          "rerun",
          "1% changed: stored vectors reused (texts the edit left as they were)",
          counter(changed, "ReuseVectors.embeddings_reused"),
          "%,.0f");
      row(
          s,
          "rerun",
          "1% changed: points written",
          counter(changed, "QdrantIO.points_upserted"),
          "%,.0f");
    }
  }

  /**
   * @param r the whole results file
   * @param coldWall the cold scenario's wall times, or null
   * @param peerRerun the peer's re-run times, or null
   */
  void targets(StringBuilder s, JsonNode r, Figure coldWall, Figure peerRerun) {
    Figure reference = null;
    String referenceName = null;
    if (rerun.has("cold_ingest")) {
      double w = wall(rerun.get("cold_ingest"));
      reference = new Figure(w, w, w, 1);
      referenceName = "its own cold ingest, 1 run";
    } else if (coldWall != null && sameRun(r.path("cold"), rerun)) {
      reference = coldWall;
      referenceName = "medians of this run";
    }
    share(s, "unchanged re-run", unchangedWall, UNCHANGED_TARGET, reference, referenceName);
    share(s, "1% changed re-run", changedWall, CHANGED_TARGET, reference, referenceName);

    if (peerRerun == null && unchangedIngest == null) {
      return;
    }
    String t =
        f(
            "re-run >= %.0fx faster than the peer's re-run (peer re-run / our unchanged re-run,"
                + " ingest time inside the JVM)",
            PipelineReport.PEER_RERUN_TARGET);
    if (peerRerun != null && unchangedIngest != null && sameRun(r.path("peer"), rerun)) {
      double ratio = peerRerun.median() / unchangedIngest.median();
      target(
          s,
          t,
          f("%.1fx (%.1f s / %.1f s)", ratio, peerRerun.median(), unchangedIngest.median()),
          ratio >= PipelineReport.PEER_RERUN_TARGET,
          f("at %.0f%% of the target", 100 * ratio / PipelineReport.PEER_RERUN_TARGET));
    } else if (unchangedIngest == null) {
      s.append(
          f(
              "| %s | peer re-run %.1f s | not compared: the rerun scenario was not run |\n",
              t, peerRerun.median()));
    } else {
      s.append(
          f(
              "| %s | our unchanged re-run %.1f s | not compared: the peer scenario was not run"
                  + " in the same invocation |\n",
              t, unchangedIngest.median()));
    }
  }

  private static void share(
      StringBuilder s,
      String what,
      Figure wall,
      double goal,
      Figure reference,
      String referenceName) {
    if (wall == null) {
      return;
    }
    String t = f("%s <= %.0f%% of the cold ingest's wall time", what, 100 * goal);
    if (reference == null) {
      s.append(
          f(
              "| %s | %.1f s | not compared: no cold ingest in the same invocation |\n",
              t, wall.median()));
      return;
    }
    double share = wall.median() / reference.median();
    target(
        s,
        f("%s (%s)", t, referenceName),
        f("%.1f%% (%.1f s / %.1f s)", 100 * share, wall.median(), reference.median()),
        share <= goal,
        f("over by %.0f%%", (share / goal - 1) * 100));
  }

  /** Phases, busy stages and CPU profile of the profiled unchanged run; stages of changed run 1. */
  void timeGoes(StringBuilder s, int cores) {
    JsonNode run = rerun.path("unchanged").path("profiled_run");
    if (run.has("wall_seconds")) {
      double wall = run.get("wall_seconds").asDouble();
      s.append(
          f(
              "\n**Where the unchanged re-run's time goes** (one more unchanged run, under JFR,"
                  + " not among the figures above; %.1f s wall x %d cores = %.1f"
                  + " core-seconds).",
              wall, cores, wall * cores));
      JsonNode p = run.path("profile").path("phases");
      if (p.has("qdrant_listening") && p.has("pipeline_started") && p.has("pipeline_finished")) {
        double exit = p.path("jvm_exiting").asDouble(wall);
        s.append(
            f(
                " From the recording's thread events, after JVM start: %.1f s to the embedded"
                    + " Qdrant listening (JVM and CLI start, its collections loaded from disk);"
                    + " %.1f s more to the DirectRunner's first worker (collection and manifest"
                    + " checks, run history, Beam's options, pipeline construction); %.1f s of"
                    + " pipeline (list, read and hash the files, read the manifest, diff); %.1f s"
                    + " to exit (summary, run history).",
                p.get("qdrant_listening").asDouble(),
                p.get("pipeline_started").asDouble() - p.get("qdrant_listening").asDouble(),
                p.get("pipeline_finished").asDouble() - p.get("pipeline_started").asDouble(),
                exit - p.get("pipeline_finished").asDouble()));
      }
      s.append(" Busy time per stage from the stages' Beam metrics:\n\n");
      PipelineReport.stages(s, run.get("distributions"), wall * cores);
      PipelineReport.cpu(s, run, wall * cores);
      PipelineReport.profile(s, "unchanged re-run", run.path("profile"));
    }
    if (changed.size() > 0) {
      JsonNode first = changed.get(0);
      double wall = first.get("wall_seconds").asDouble();
      s.append(
          f(
              "\n**Where the 1%% changed re-run's time goes** (run 1; %.1f s wall x %d cores ="
                  + " %.1f core-seconds):\n\n",
              wall, cores, wall * cores));
      PipelineReport.stages(s, first.get("distributions"), wall * cores);
      PipelineReport.cpu(s, first, wall * cores);
    }
  }

  private static double wall(JsonNode run) {
    return run.get("wall_seconds").asDouble();
  }

  private static Figure cpu(JsonNode runs) {
    return Figure.of(runs, x -> x.get("cpu_seconds").asDouble());
  }

  private static Figure rss(JsonNode runs) {
    return Figure.of(runs, x -> x.get("peak_rss_bytes").asDouble() / (1 << 20));
  }

  private static Figure counter(JsonNode runs, String name) {
    return Figure.of(runs, x -> x.path("counters").path(name).asDouble(0));
  }
}
