package dev.qdrantloader.runners.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.metrics.DistributionResult;

/**
 * The pipeline's stages as the summary, the run report, the progress line and the Prometheus
 * endpoint name them, and which Beam metrics measure each: what it finishes (items) and how long
 * its timed work takes (busy time, per operation).
 */
public final class Stages {
  private Stages() {}

  /**
   * One stage.
   *
   * @param name the stage's label (read, diff, convert, ...)
   * @param owner the simple name of the class whose Beam metrics it reports
   * @param unit what items counts
   * @param items the counters (of {@code owner}) whose sum is the items finished
   * @param timer the distribution (of {@code owner}) timing each operation, or null
   * @param timerSeconds seconds per unit of {@code timer}
   */
  public record Stage(
      String name,
      String owner,
      String unit,
      List<String> items,
      String timer,
      double timerSeconds) {

    /** Items finished in {@code m}. */
    public long items(MetricsSnapshot m) {
      long n = 0;
      for (String c : items) {
        n += m.counter(owner + "." + c);
      }
      return n;
    }

    /** Busy seconds in {@code m}, summed over threads; 0 for an untimed stage. */
    public double busySeconds(MetricsSnapshot m) {
      return timer == null ? 0 : m.distribution(owner + "." + timer).getSum() * timerSeconds;
    }

    /** Timed operations in {@code m}. */
    public long operations(MetricsSnapshot m) {
      return timer == null ? 0 : m.distribution(owner + "." + timer).getCount();
    }

    /** Whether the stage reports busy time. */
    public boolean timed() {
      return timer != null;
    }
  }

  /** The stages in pipeline order. */
  public static final List<Stage> ALL =
      List.of(
          new Stage(
              "read", "ReadDocuments", "documents", List.of("documents_read"), "read_micros", 1e-6),
          new Stage(
              "diff",
              "DiffDocuments",
              "documents",
              List.of("documents_new", "documents_changed", "documents_unchanged"),
              null,
              0),
          new Stage(
              "convert",
              "ConvertDocuments",
              "documents",
              List.of("documents_converted"),
              "conversion_millis",
              1e-3),
          new Stage(
              "chunk", "ChunkDocuments", "chunks", List.of("chunks_emitted"), "chunk_micros", 1e-6),
          new Stage("reuse", "ReuseVectors", "chunks", List.of("embeddings_reused"), null, 0),
          new Stage(
              "embed",
              "EmbedChunks",
              "chunks",
              List.of("embeddings_computed"),
              "embed_millis",
              1e-3),
          new Stage(
              "write", "QdrantIO", "points", List.of("points_upserted"), "upsert_millis", 1e-3),
          new Stage(
              "commit", "CommitDocuments", "documents", List.of("documents_committed"), null, 0),
          new Stage(
              "delete", "DeleteDocuments", "documents", List.of("documents_removed"), null, 0),
          new Stage("sweep", "SweepOrphans", "documents", List.of("orphan_documents"), null, 0));

  private static final Map<String, String> LABELS = new LinkedHashMap<>();

  static {
    for (Stage s : ALL) {
      LABELS.put(s.owner(), s.name());
    }
    LABELS.put("ReadManifest", "manifest");
    LABELS.put("WriteEntries", "manifest");
    LABELS.put("ResourceMonitor", "intake");
  }

  /**
   * The stage label for metrics of {@code owner} (a namespace's simple name): the stage's name, or
   * the owner in snake case for metrics outside the stages above.
   */
  public static String label(String owner) {
    String known = LABELS.get(owner);
    if (known != null) {
      return known;
    }
    return owner.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /**
   * Per-stage figures of a run that took {@code wallSeconds}: stages that did nothing are left out.
   */
  public static List<RunReport.StageFigures> figures(MetricsSnapshot m, double wallSeconds) {
    double busyTotal = 0;
    for (Stage s : ALL) {
      busyTotal += s.busySeconds(m);
    }
    List<RunReport.StageFigures> out = new ArrayList<>();
    for (Stage s : ALL) {
      long items = s.items(m);
      double busy = s.busySeconds(m);
      if (items == 0 && busy == 0) {
        continue;
      }
      DistributionResult d =
          s.timed()
              ? m.distribution(s.owner() + "." + s.timer())
              : DistributionResult.IDENTITY_ELEMENT;
      long ops = d.getCount();
      out.add(
          new RunReport.StageFigures(
              s.name(),
              s.unit(),
              items,
              busy,
              busyTotal > 0 ? busy / busyTotal : 0,
              wallSeconds > 0 ? items / wallSeconds : 0,
              ops,
              ops > 0 ? busy * 1000 / ops : 0,
              ops > 0 ? d.getMax() * s.timerSeconds() * 1000 : 0));
    }
    return out;
  }
}
