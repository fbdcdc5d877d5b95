package dev.qdrantloader.runners.cli;

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
  private final long removed;

  RunSummary(
      Map<String, Long> counters,
      List<Failure> failures,
      double seconds,
      String collection,
      String target,
      long removed) {
    this.removed = removed;
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

  long removed() {
    return removed;
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

  void print(PrintWriter out) {
    long listed = get("ReadDocuments.documents_listed");
    long converted = get("ConvertDocuments.documents_converted");
    long failedDocs = failedDocuments();
    out.printf(Locale.ROOT, "Ingest finished in %.1f s%n", seconds);
    out.printf(
        Locale.ROOT,
        "  documents  %d listed, %d read, %d converted, %d failed%n",
        listed,
        documentsRead(),
        converted,
        failedDocs);
    out.printf(
        Locale.ROOT,
        "  chunks     %d (embedded %d)%n",
        chunks(),
        get("EmbedChunks.embeddings_computed"));
    out.printf(
        Locale.ROOT,
        "  points     %d written to collection `%s` (%s)%n",
        pointsWritten(),
        collection,
        target);
    out.printf(
        Locale.ROOT,
        "  removed    %d stale points (chunks of changed or vanished documents)%n",
        removed);
    out.printf(
        Locale.ROOT,
        "  speed      %.1f documents/s, %.1f chunks/s%n",
        seconds > 0 ? converted / seconds : 0,
        seconds > 0 ? chunks() / seconds : 0);
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
  }
}
