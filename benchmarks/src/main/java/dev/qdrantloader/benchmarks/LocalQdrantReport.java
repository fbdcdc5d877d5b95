package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Turns the JMH JSON of the local-mode benchmarks into the "Local Qdrant server" section of
 * BENCHMARKS.md (replacing only that section, between its markers).
 *
 * <p>Usage: {@code LocalQdrantReport <jmh.json> <BENCHMARKS.md> <command>}
 */
public final class LocalQdrantReport {
  static final String BEGIN = "<!-- local-qdrant:begin (written by benchmarks/run.sh) -->";
  static final String END = "<!-- local-qdrant:end -->";
  static final double UPSERT_TARGET = 20_000;
  static final double SEARCH_P50_TARGET_MS = 20;

  private LocalQdrantReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: LocalQdrantReport <jmh.json> <BENCHMARKS.md> <command>");
      System.exit(2);
    }
    JsonNode results = new ObjectMapper().readTree(Paths.get(args[0]).toFile());
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append('\n');
    md.append("## Local Qdrant server (local mode)\n\n");
    md.append("Measured ")
        .append(LocalDate.now(ZoneOffset.UTC))
        .append(" on ")
        .append(Reports.machine())
        .append(".\n\n");
    md.append("Command: `").append(args[2]).append("`\n\n");
    md.append(
        "Both through the official Java client (gRPC) against the embedded server in the same JVM, so"
            + " client and server share the cores. Each figure is the median of the JMH measurement"
            + " iterations, with their min-max.\n\n");
    md.append("| figure | setting | median | min - max | target | status |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (JsonNode r : results) {
      String bench = r.get("benchmark").asText();
      JsonNode metric = r.get("primaryMetric");
      if (bench.endsWith("upsertBatchOf256")) {
        List<Double> it = iterations(metric);
        double median = Reports.median(it);
        md.append(
            String.format(
                Locale.ROOT,
                "| upsert throughput | 384-d, batches of 256, wait=true, 2 streams, up to 100,000"
                    + " points, storage=%s |"
                    + " %,.0f points/s | %,.0f - %,.0f | >= %,.0f points/s | %s |\n",
                r.get("params").get("storage").asText(),
                median,
                Collections.min(it),
                Collections.max(it),
                UPSERT_TARGET,
                median >= UPSERT_TARGET ? "met" : "NOT met"));
      } else if (bench.endsWith("searchTop10")) {
        JsonNode pct = metric.get("scorePercentiles");
        double p50 = pct.get("50.0").asDouble();
        double p99 = pct.get("99.0").asDouble();
        String setting =
            String.format(
                Locale.ROOT,
                "top 10 with payload, %,d points of 384-d, cosine, exact",
                r.get("params").get("points").asInt());
        md.append(
            String.format(
                Locale.ROOT,
                "| search latency p50 | %s | %.2f ms | over %d samples | <= %.0f ms | %s |\n",
                setting,
                p50,
                metric.get("scoreConfidence") == null ? 0 : sampleCount(metric),
                SEARCH_P50_TARGET_MS,
                p50 <= SEARCH_P50_TARGET_MS ? "met" : "NOT met"));
        md.append(
            String.format(
                Locale.ROOT, "| search latency p99 | %s | %.2f ms | | | |\n", setting, p99));
      }
    }
    md.append(
        "\nSearch is exact (brute force over vectors packed in contiguous blocks, split across"
            + " cores), so recall@10 against exact search is 1.0 by construction.\n");
    md.append(END).append('\n');
    Reports.writeSection(Paths.get(args[1]), BEGIN, END, md.toString());
  }

  private static long sampleCount(JsonNode metric) {
    long n = 0;
    for (JsonNode fork : metric.get("rawDataHistogram")) {
      for (JsonNode iteration : fork) {
        for (JsonNode bucket : iteration) {
          n += bucket.get(1).asLong();
        }
      }
    }
    return n;
  }

  private static List<Double> iterations(JsonNode metric) {
    List<Double> out = new ArrayList<>();
    for (JsonNode fork : metric.get("rawData")) {
      for (JsonNode v : fork) {
        out.add(v.asDouble());
      }
    }
    return out;
  }
}
