package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The metrics scenario: what observing a run costs its throughput. {@code --runs} pairs of overhead
 * runs ({@link OverheadRun}, zero-cost embedder, each a fresh JVM, the same corpus): one with
 * {@code --observe off}, one with {@code --observe on} (progress monitor, Prometheus endpoint,
 * scraped every second), the side that goes first alternating pair by pair so a drift of the
 * machine falls on both sides alike. Each pair gives a throughput ratio on / off; the two sides
 * must write the same points. Then JMH's cost of one Beam counter and distribution update ({@link
 * BeamMetricsBenchmark}), which with the runs' own metrics bounds what Beam's always-on metrics
 * take.
 */
final class MetricsScenario {
  static final List<String> SIDES = List.of("off", "on");

  private final PipelineBenchmarks bench;
  private final Path work;
  private final int runs;
  private final ObjectMapper json = new ObjectMapper();

  MetricsScenario(PipelineBenchmarks bench, Path work, int runs) {
    this.bench = bench;
    this.work = work;
    this.runs = runs;
  }

  ObjectNode run(Path corpus) throws Exception {
    ObjectNode r = json.createObjectNode();
    ArrayNode pairs = r.putArray("pairs");
    long points = -1;
    for (int i = 1; i <= runs; i++) {
      List<String> order = new ArrayList<>(SIDES);
      if (i % 2 == 0) {
        Collections.reverse(order);
      }
      ObjectNode pair = json.createObjectNode();
      pair.put("first", order.get(0));
      for (String side : order) {
        pair.set(side, once("metrics-" + i + "-" + side, corpus, side));
      }
      long off = pair.get("off").get("points_written").asLong();
      long on = pair.get("on").get("points_written").asLong();
      if (off != on || off == 0 || (points >= 0 && off != points)) {
        throw new IllegalStateException(
            "[metrics-"
                + i
                + "] the sides wrote different point counts: off "
                + off
                + ", on "
                + on
                + (points >= 0 ? ", the first pair " + points : "")
                + "; the ratio would compare different work");
      }
      points = off;
      pair.put("ratio", rate(pair.get("on")) / rate(pair.get("off")));
      pairs.add(pair);
      System.out.printf(
          Locale.ROOT,
          "[metrics-%d] on / off = %.3f (%,.0f / %,.0f chunks/s), %d scrapes%n",
          i,
          pair.get("ratio").asDouble(),
          rate(pair.get("on")),
          rate(pair.get("off")),
          pair.get("on").get("scrapes").asLong());
    }
    r.set("jmh", jmh());
    return r;
  }

  /** Chunks per second of one run's pipeline (start of run to its end, inside the JVM). */
  static double rate(JsonNode run) {
    return run.get("chunks").asDouble() / run.get("pipeline_seconds").asDouble();
  }

  private ObjectNode once(String name, Path corpus, String observe) throws Exception {
    Path ws = bench.workspace(name, corpus);
    Path out = work.resolve(name + ".json");
    List<String> cmd =
        bench.java(
            "-cp",
            bench.benchJar(),
            OverheadRun.class.getName(),
            "--workspace",
            ws.toString(),
            "--out",
            out.toString(),
            "--observe",
            observe);
    System.out.println("[" + name + "] " + String.join(" ", cmd));
    ProcessProbe.Measured m = ProcessProbe.run(cmd, work.resolve(name + ".log"));
    ObjectNode r = (ObjectNode) json.readTree(out.toFile());
    PipelineBenchmarks.putMeasured(r, m);
    return r;
  }

  /** {@link BeamMetricsBenchmark} in JMH's own forked JVM: ns per update, over its iterations. */
  private ObjectNode jmh() throws Exception {
    Path out = work.resolve("beam-metrics-jmh.json");
    List<String> cmd =
        List.of(
            "java",
            "-jar",
            bench.benchJar(),
            BeamMetricsBenchmark.class.getSimpleName(),
            "-rf",
            "json",
            "-rff",
            out.toString());
    System.out.println("[metrics-jmh] " + String.join(" ", cmd));
    ProcessProbe.run(cmd, work.resolve("beam-metrics-jmh.log"));
    ObjectNode r = json.createObjectNode();
    for (JsonNode b : json.readTree(out.toFile())) {
      String method = b.get("benchmark").asText();
      method = method.substring(method.lastIndexOf('.') + 1);
      ArrayNode iterations = json.createArrayNode();
      for (JsonNode fork : b.get("primaryMetric").get("rawData")) {
        fork.forEach(iterations::add);
      }
      ObjectNode m = r.putObject(method);
      m.put("unit", b.get("primaryMetric").get("scoreUnit").asText());
      m.set("iterations", iterations);
      System.out.printf(
          Locale.ROOT,
          "[metrics-jmh] %s: %.1f %s%n",
          method,
          b.get("primaryMetric").get("score").asDouble(),
          m.get("unit").asText());
    }
    for (String needed : List.of("counterInc", "distributionUpdate")) {
      if (!r.has(needed)) {
        throw new IllegalStateException("JMH gave no result for " + needed + " in " + out);
      }
    }
    return r;
  }
}
