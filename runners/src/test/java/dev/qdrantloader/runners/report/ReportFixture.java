package dev.qdrantloader.runners.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.qdrantloader.runners.report.RunReport.Advice;
import dev.qdrantloader.runners.report.RunReport.FailureCount;
import dev.qdrantloader.runners.report.RunReport.FailureLine;
import dev.qdrantloader.runners.report.RunReport.HotMethod;
import dev.qdrantloader.runners.report.RunReport.ProfileSummary;
import dev.qdrantloader.runners.report.RunReport.Resources;
import dev.qdrantloader.runners.report.RunReport.Sample;
import dev.qdrantloader.runners.report.RunReport.Settings;
import dev.qdrantloader.runners.report.RunReport.StageFigures;
import dev.qdrantloader.runners.report.RunReport.Timeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A realistic run report: a 60 s incremental ingest of 1,200 documents through the nine stages,
 * sampled every second, with failures whose text tries to break out of the page.
 */
final class ReportFixture {
  private ReportFixture() {}

  /**
   * One stage's shape over the run.
   *
   * @param from first second with work
   * @param to last second with work
   * @param items total items finished
   * @param itemsPerOperation items per timed operation, 0 when the stage is not timed
   * @param meanMillis mean latency of one operation
   */
  record Shape(
      String stage,
      String unit,
      int from,
      int to,
      long items,
      int itemsPerOperation,
      double meanMillis) {}

  static final List<Shape> SHAPES =
      List.of(
          new Shape("read", "documents", 0, 3, 1200, 0, 0),
          new Shape("diff", "documents", 1, 9, 1200, 0, 0),
          new Shape("convert", "documents", 2, 40, 220, 1, 180),
          new Shape("chunk", "chunks", 3, 42, 4260, 0, 0),
          new Shape("embed", "chunks", 5, 52, 4260, 32, 620),
          new Shape("write", "points", 6, 54, 4260, 64, 45),
          new Shape("commit", "documents", 8, 56, 213, 1, 8),
          new Shape("delete", "documents", 10, 18, 20, 1, 25),
          new Shape("sweep", "points", 55, 59, 380, 95, 120));

  static final int SECONDS = 60;

  /** Stages whose operations are timed (they have a latency line). */
  static final List<String> TIMED =
      SHAPES.stream().filter(s -> s.itemsPerOperation > 0).map(Shape::stage).toList();

  static RunReport realistic() {
    Random random = new Random(8);
    Map<String, long[]> items = new LinkedHashMap<>();
    Map<String, long[]> ops = new LinkedHashMap<>();
    Map<String, double[]> busy = new LinkedHashMap<>();
    for (Shape s : SHAPES) {
      double[] rate = new double[SECONDS + 1];
      double sum = 0;
      for (int k = 1; k <= SECONDS; k++) {
        // Trapezoid: ramps up over 3 s, plateau with noise, ramps down over 3 s.
        double mid = k - 0.5;
        if (mid >= s.from && mid <= s.to + 1) {
          double up = Math.min(1, (mid - s.from + 0.5) / 3);
          double down = Math.min(1, (s.to + 1 - mid + 0.5) / 3);
          rate[k] = Math.min(up, down) * (1 + 0.25 * random.nextGaussian());
          rate[k] = Math.max(rate[k], 0.05);
          sum += rate[k];
        }
      }
      long[] cumItems = new long[SECONDS + 1];
      long[] cumOps = new long[SECONDS + 1];
      double[] cumBusy = new double[SECONDS + 1];
      double acc = 0;
      for (int k = 1; k <= SECONDS; k++) {
        acc += rate[k];
        cumItems[k] = Math.round(s.items * acc / sum);
        if (s.itemsPerOperation > 0) {
          cumOps[k] = (long) Math.ceil(cumItems[k] / (double) s.itemsPerOperation);
          long newOps = cumOps[k] - cumOps[k - 1];
          // Cold start: the first operations are slower; embed also waits on a rate limit mid-run.
          double warm = 1 + 1.5 * Math.exp(-(k - s.from) / 4.0);
          double limited = s.stage.equals("embed") && k >= 24 && k <= 30 ? 1.8 : 1;
          double latency = s.meanMillis * warm * limited * (1 + 0.12 * random.nextGaussian());
          cumBusy[k] = cumBusy[k - 1] + newOps * Math.max(latency, 0.1) / 1000;
        }
      }
      items.put(s.stage, cumItems);
      ops.put(s.stage, cumOps);
      busy.put(s.stage, cumBusy);
    }

    List<Sample> samples = new ArrayList<>();
    long heapMax = 3L << 30;
    for (int k = 1; k <= SECONDS; k++) {
      Map<String, Long> i = new LinkedHashMap<>();
      Map<String, Double> b = new LinkedHashMap<>();
      Map<String, Long> o = new LinkedHashMap<>();
      for (Shape s : SHAPES) {
        i.put(s.stage, items.get(s.stage)[k]);
        if (s.itemsPerOperation > 0) {
          b.put(s.stage, busy.get(s.stage)[k]);
          o.put(s.stage, ops.get(s.stage)[k]);
        }
      }
      double cpu =
          Math.min(0.97, 0.12 + 0.75 * Math.min(1, k / 6.0) * (k > 56 ? 0.3 : 1))
              + 0.04 * random.nextGaussian();
      double heapGiB = 0.45 + 0.12 * (k % 9) + 0.5 * Math.min(1, k / 10.0);
      samples.add(new Sample(k, i, b, o, Math.max(0, cpu), (long) (heapGiB * (1L << 30)), heapMax));
    }

    double totalBusy = 0;
    for (Shape s : SHAPES) {
      totalBusy += busy.get(s.stage)[SECONDS];
    }
    List<StageFigures> stages = new ArrayList<>();
    for (Shape s : SHAPES) {
      double bs = busy.get(s.stage)[SECONDS];
      long n = ops.get(s.stage)[SECONDS];
      double mean = n > 0 ? bs / n * 1000 : 0;
      stages.add(
          new StageFigures(
              s.stage,
              s.unit,
              s.items,
              bs,
              totalBusy > 0 ? bs / totalBusy : 0,
              s.items / (double) SECONDS,
              n,
              mean,
              mean * 3.4));
    }

    Map<String, Long> totals = new LinkedHashMap<>();
    totals.put("listed", 1200L);
    totals.put("new", 180L);
    totals.put("changed", 40L);
    totals.put("unchanged", 980L);
    totals.put("deleted", 20L);
    totals.put("failed", 7L);
    totals.put("chunks", 4260L);
    totals.put("points_written", 4260L);
    totals.put("points_removed", 1140L);

    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("ReadDocuments.documents_listed", 1200L);
    counters.put("DiffDocuments.documents_new", 180L);
    counters.put("DiffDocuments.documents_changed", 40L);
    counters.put("DiffDocuments.documents_unchanged", 980L);
    counters.put("DiffDocuments.documents_deleted", 20L);
    counters.put("ConvertDocuments.documents_converted", 216L);
    counters.put("ChunkDocuments.chunks", 4260L);
    counters.put("EmbedChunks.embeddings_computed", 4260L);
    counters.put("QdrantIO.points_upserted", 4260L);
    counters.put("CommitDocuments.documents_committed", 213L);

    List<FailureCount> failureCounts =
        List.of(
            new FailureCount("convert", "TikaException: unsupported format", 3),
            new FailureCount("convert", "document too large (> 50 MiB)", 1),
            new FailureCount("embed", "HTTP 400: input is longer than the model's 8192 tokens", 2),
            new FailureCount("write", "<script>alert('count')</script>", 1));
    List<FailureLine> failures =
        List.of(
            new FailureLine(
                "convert",
                "handbook",
                "notes",
                "legacy/minutes-1998.doc",
                "TikaException: unsupported format"),
            new FailureLine(
                "convert",
                "handbook",
                "notes",
                "legacy/<script>alert(\"path\")</script>.doc",
                "TikaException: unsupported format"),
            new FailureLine(
                "convert",
                "handbook",
                "notes",
                "legacy/\"><img src=x onerror=alert(1)>.wpd",
                "TikaException: unsupported format"),
            new FailureLine(
                "convert",
                "handbook",
                "scans",
                "archive/board-pack-2019.pdf",
                "document too large (> 50 MiB)"),
            new FailureLine(
                "embed",
                "api",
                "reference",
                "openapi/all-endpoints.yaml",
                "HTTP 400: input is longer than the model's 8192 tokens"),
            new FailureLine(
                "embed",
                "api",
                "reference",
                "openapi/webhooks & callbacks.yaml",
                "HTTP 400: input is longer than the model's 8192 tokens"),
            new FailureLine(
                "write",
                "api",
                "reference",
                "guides/auth.md",
                "<script>alert('reason')</script> & upsert timed out after 30 s"));

    List<Advice> advice =
        List.of(
            new Advice(
                "embed-bound",
                "raise embedding.max_concurrency from 4 to 8",
                "embed took 78 % of busy time while requests waited 12.3 s for a free slot"),
            new Advice(
                "rate-limited",
                "ask the provider for a higher tpm, or lower embedding.batch_size to 16",
                "requests hit 429 Too Many Requests 14 times between 24 s and 30 s"));

    Resources resources =
        new Resources(
            3,
            4.2,
            List.of("heap above 85 % of its limit for 5 s: intake paused <3 times>"),
            0.93,
            0.62);

    ProfileSummary profile =
        new ProfileSummary(
            "20260504T091233Z-profile.jfr",
            "20260504T091233Z-flame.html",
            5812,
            List.of(
                new HotMethod("ai.djl.pytorch.jni.PyTorchLibrary.moduleRunMethod", 2110, 0.363),
                new HotMethod("org.apache.tika.parser.pdf.PDF2XHTML.processPage", 604, 0.104),
                new HotMethod(
                    "dev.qdrantloader.transforms.chunk.MarkdownChunker.split", 388, 0.067),
                new HotMethod("java.util.zip.Inflater.inflateBytesBytes", 231, 0.040),
                new HotMethod(
                    "com.fasterxml.jackson.core.json.UTF8StreamJsonParser.nextToken", 117, 0.020)));

    return new RunReport(
        RunReport.VERSION,
        "20260504T091233Z",
        "2026-05-04T09:12:33Z",
        "2026-05-04T09:13:34Z",
        61.4,
        "failed_documents",
        "all sources",
        "direct (4 worker threads)",
        versions(),
        "9f2c4e1b7a0d83c6e5f41a2b9c7d6e0f1a3b5c7d9e2f4a6b8c0d1e3f5a7b9c1d",
        settings(),
        totals,
        stages,
        counters,
        Map.of("EmbedChunks.request_millis", sortedDistribution()),
        failureCounts,
        failures,
        new Timeline(1.0, samples),
        resources,
        advice,
        profile,
        null);
  }

  private static Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("qdrant_loader", "0.1.0-SNAPSHOT");
    v.put("beam", "2.70.0");
    v.put("java", "17.0.15");
    v.put("os", "Linux 6.1.0 amd64");
    return v;
  }

  private static Map<String, Long> sortedDistribution() {
    Map<String, Long> d = new LinkedHashMap<>();
    d.put("sum", 84_320L);
    d.put("count", 134L);
    d.put("min", 212L);
    d.put("max", 2_108L);
    return d;
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Built by name, so the fixture survives fields added to the record. */
  static Settings settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("runner", "direct");
    s.put("workers", 4);
    s.put("embedding_provider", "openai");
    s.put("embedding_model", "text-embedding-3-small");
    s.put("batch_size", 32);
    s.put("max_tokens_per_request", 250_000);
    s.put("max_concurrency", 4);
    s.put("rpm", 3000);
    s.put("tpm", 1_000_000);
    s.put("chunk_size", 500);
    s.put("max_heap_fraction", 0.85);
    s.put("max_cpu_fraction", 0.9);
    return JSON.convertValue(s, Settings.class);
  }

  /**
   * The same report with some fields replaced, by their JSON names (snake_case), so the fixture's
   * variations survive fields added to the record.
   */
  static RunReport with(RunReport r, Map<String, Object> changes) {
    com.fasterxml.jackson.databind.node.ObjectNode json = JSON.valueToTree(r);
    changes.forEach((field, value) -> json.set(field, JSON.valueToTree(value)));
    try {
      return JSON.treeToValue(json, RunReport.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The same report with another timeline (null or empty: a runner without live metrics). */
  static RunReport withTimeline(RunReport r, Timeline timeline) {
    Map<String, Object> changes = new java.util.HashMap<>();
    changes.put("timeline", timeline);
    return with(r, changes);
  }

  /** The same report with other failures, advice and profile. */
  static RunReport with(
      RunReport r,
      List<FailureCount> counts,
      List<FailureLine> failures,
      List<Advice> advice,
      ProfileSummary profile) {
    Map<String, Object> changes = new java.util.HashMap<>();
    changes.put("failure_counts", counts);
    changes.put("failures", failures);
    changes.put("advice", advice);
    changes.put("profile", profile);
    return with(r, changes);
  }
}
