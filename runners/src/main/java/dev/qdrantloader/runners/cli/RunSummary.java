package dev.qdrantloader.runners.cli;

import dev.qdrantloader.pipelines.UpToDate;
import dev.qdrantloader.runners.report.RunReport;
import dev.qdrantloader.transforms.model.Failure;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The end-of-ingest report: what was read, converted, chunked, embedded and written. */
final class RunSummary {
  private final Map<String, Long> counters;
  private final List<Failure> failures;
  private final double seconds;
  private final String collection;
  private final String target;
  private final boolean forced;

  RunSummary(
      Map<String, Long> counters,
      List<Failure> failures,
      double seconds,
      String collection,
      String target,
      boolean forced) {
    this.forced = forced;
    this.counters = counters;
    this.failures = failures;
    this.seconds = seconds;
    this.collection = collection;
    this.target = target;
  }

  long get(String key) {
    return counters.getOrDefault(key, 0L);
  }

  long documentsRead() {
    return get("ReadDocuments.documents_read");
  }

  long chunks() {
    return get("ChunkDocuments.chunks_emitted");
  }

  long pointsWritten() {
    return get("QdrantIO.points_upserted");
  }

  double seconds() {
    return seconds;
  }

  /** Points removed: stale chunks of changed documents, vanished documents, orphans. */
  long removed() {
    return get("CommitDocuments.points_removed")
        + get("DeleteDocuments.points_removed")
        + get("SweepOrphans.points_removed");
  }

  long embeddingsComputed() {
    return get("EmbedChunks.embeddings_computed");
  }

  long embeddingsReused() {
    return get("ReuseVectors.embeddings_reused");
  }

  /** Documents and points per outcome, as the run history records them. */
  Map<String, Long> outcomes() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    m.put("new", get("DiffDocuments.documents_new"));
    m.put("changed", get("DiffDocuments.documents_changed"));
    m.put("unchanged", get("DiffDocuments.documents_unchanged"));
    m.put("deleted", get("DiffDocuments.documents_deleted"));
    m.put("moved", get("DiffDocuments.documents_moved"));
    m.put("failed", failedDocuments());
    m.put("committed", get("CommitDocuments.documents_committed"));
    m.put("embeddings_computed", embeddingsComputed());
    m.put("embeddings_reused", embeddingsReused());
    m.put("points_written", pointsWritten());
    m.put("points_removed", removed());
    m.put("orphan_documents", get("SweepOrphans.orphan_documents"));
    return m;
  }

  long failedDocuments() {
    return failures.stream()
        .map(f -> f.projectId() + "/" + f.source() + "/" + f.path())
        .distinct()
        .count();
  }

  List<Failure> failures() {
    return failures;
  }

  /**
   * Prints the summary and, from the run's report: a table of per-stage figures (items finished,
   * busy time summed over threads and its share, throughput over the wall time, mean and longest
   * operation), what the resource monitor did, tuning advice and the profile's hot methods.
   */
  void print(PrintWriter out, RunReport report) {
    List<RunReport.StageFigures> stages = report.stages() == null ? List.of() : report.stages();
    long listed = get("ReadDocuments.documents_listed");
    long converted = get("ConvertDocuments.documents_converted");
    long failedDocs = failedDocuments();
    out.printf(Locale.ROOT, "Ingest finished in %.1f s%n", seconds);
    out.printf(
        Locale.ROOT,
        "  documents  %d listed: %d new, %d changed, %d unchanged%s, %d deleted; %d failed%n",
        listed,
        get("DiffDocuments.documents_new"),
        get("DiffDocuments.documents_changed"),
        get("DiffDocuments.documents_unchanged"),
        forced ? " (rewritten: --force)" : "",
        get("DiffDocuments.documents_deleted"),
        failedDocs);
    if (get(UpToDate.SKIPPED) > 0) {
      out.printf(
          Locale.ROOT,
          "             (nothing changed: every file has the size and time its manifest entry"
              + " records, so no pipeline was run)%n");
    }
    long moved = get("DiffDocuments.documents_moved");
    if (moved > 0) {
      out.printf(
          Locale.ROOT, "             (%d of the new ones are renamed or moved files)%n", moved);
    }
    out.printf(
        Locale.ROOT,
        "  work       %d read, %d converted, %d chunks: %d embedded, %d vectors reused%n",
        documentsRead(),
        converted,
        chunks(),
        embeddingsComputed(),
        embeddingsReused());
    long requests = get("EmbedChunks.embedding_calls");
    long hits = get("EmbedChunks.cache_hits");
    if (requests > 0 || hits > 0) {
      out.printf(
          Locale.ROOT,
          "  embedding  %d requests (%d retried, %d throttled with 429, %d failed), %d inputs,"
              + " %d tokens; %d chunks sent, %d answered without a request (same text earlier"
              + " in the run, or the cache)%n",
          requests,
          get("EmbedChunks.embedding_retries"),
          get("EmbedChunks.embedding_throttled"),
          get("EmbedChunks.embedding_calls_failed"),
          get("EmbedChunks.embedding_inputs"),
          get("EmbedChunks.embedding_tokens"),
          get("EmbedChunks.cache_misses"),
          hits);
    }
    out.printf(
        Locale.ROOT,
        "  points     %d written, %d removed, collection `%s` (%s)%n",
        pointsWritten(),
        removed(),
        collection,
        target);
    long orphans = get("SweepOrphans.orphan_documents");
    if (orphans > 0) {
      out.printf(
          Locale.ROOT,
          "             (%d documents without a manifest entry were removed as orphans)%n",
          orphans);
    }
    long incomplete = get("CommitDocuments.documents_incomplete");
    if (incomplete > 0) {
      out.printf(
          Locale.ROOT,
          "             (%d documents were not completely written: they keep their earlier"
              + " points and are tried again next run)%n",
          incomplete);
    }
    out.printf(
        Locale.ROOT,
        "  speed      %.1f documents/s, %.1f chunks/s%n",
        seconds > 0 ? converted / seconds : 0,
        seconds > 0 ? chunks() / seconds : 0);
    if (!stages.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "  %-9s %9s %-9s %8s %6s %9s %9s %9s%n",
          "stage",
          "items",
          "",
          "busy s",
          "share",
          "items/s",
          "mean ms",
          "max ms");
      for (RunReport.StageFigures s : stages) {
        boolean timed = s.operations() > 0;
        out.printf(
            Locale.ROOT,
            "  %-9s %,9d %-9s %8s %6s %9.1f %9s %9s%n",
            s.stage(),
            s.items(),
            s.unit(),
            timed ? String.format(Locale.ROOT, "%.1f", s.busySeconds()) : "-",
            timed ? String.format(Locale.ROOT, "%.0f%%", s.shareOfBusy() * 100) : "-",
            s.perSecond(),
            timed ? String.format(Locale.ROOT, "%.2f", s.meanMillis()) : "-",
            timed ? String.format(Locale.ROOT, "%.1f", s.maxMillis()) : "-");
      }
    }
    if (report.resources() != null) {
      RunReport.Resources r = report.resources();
      if (r.throttles() > 0 || !r.warnings().isEmpty()) {
        out.printf(
            Locale.ROOT,
            "  resources  intake throttled: %d files waited %.1f s in all%s%n",
            r.throttles(),
            r.throttledSeconds(),
            r.warnings().isEmpty() ? "" : " (" + String.join("; ", r.warnings()) + ")");
      }
    }
    if (!failures.isEmpty()) {
      out.printf(Locale.ROOT, "Failures (%d):%n", failures.size());
      for (Failure f : failures) {
        out.printf(
            Locale.ROOT,
            "  [%s] %s/%s: %s: %s%n",
            f.stage(),
            f.projectId(),
            f.source(),
            f.path(),
            f.reason());
      }
    }
    if (report.profile() != null) {
      RunReport.ProfileSummary p = report.profile();
      out.printf(
          Locale.ROOT,
          "Profile: %s (%d samples), flame graph %s%n",
          p.recording(),
          p.samples(),
          p.flameGraph());
      if (!p.hotMethods().isEmpty()) {
        out.printf(Locale.ROOT, "  hot methods (share of samples, self time):%n");
        for (RunReport.HotMethod m : p.hotMethods()) {
          out.printf(Locale.ROOT, "  %5.1f%%  %s%n", m.share() * 100, m.method());
        }
      }
    }
    if (report.advice() != null && !report.advice().isEmpty()) {
      out.printf(Locale.ROOT, "Tuning advice:%n");
      for (RunReport.Advice a : report.advice()) {
        out.printf(Locale.ROOT, "  - %s%n    because %s [%s]%n", a.advice(), a.because(), a.rule());
      }
    }
  }
}
