package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.Html.fixed;
import static dev.qdrantloader.runners.report.Html.none;
import static dev.qdrantloader.runners.report.Html.orEmpty;
import static dev.qdrantloader.runners.report.Html.section;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qdrantloader.runners.report.RunReport.StageFigures;
import dev.qdrantloader.runners.report.SvgCharts.Bar;
import dev.qdrantloader.runners.report.SvgCharts.Line;
import dev.qdrantloader.runners.report.SvgCharts.Ref;
import dev.qdrantloader.runners.report.SvgCharts.YAxis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The report's charts section: throughput and latency per stage over time (or per stage over the
 * whole run when the runner gave no timeline), share of busy time, and CPU and heap.
 */
final class ReportCharts {
  private ReportCharts() {}

  /** Appends the section; {@code settings} as the JSON names them (for the monitor's limits). */
  static void charts(StringBuilder h, RunReport r, JsonNode settings) {
    List<StageFigures> stages = orEmpty(r.stages());
    Timelines tl =
        new Timelines(r.timeline() == null ? List.of() : orEmpty(r.timeline().samples()));
    Map<String, String> units = new LinkedHashMap<>();
    for (StageFigures s : stages) {
      units.put(s.stage(), s.unit() == null ? "items" : s.unit());
    }
    Set<String> names = new LinkedHashSet<>(units.keySet());
    names.addAll(tl.stages());

    section(h, "charts", "Charts");
    if (tl.isEmpty()) {
      none(
          h,
          "no timeline: this runner gives no live metrics, so the charts show each stage's"
              + " figures over the whole run");
    }
    // (1) throughput per stage over time
    h.append("<figure class=\"card\">\n<figcaption>Throughput per stage")
        .append(tl.isEmpty() ? " (whole run)" : "")
        .append("</figcaption>\n");
    if (tl.isEmpty()) {
      List<Bar> bars = new ArrayList<>();
      for (StageFigures s : stages) {
        if (s.perSecond() > 0) {
          String unit = units.get(s.stage()) + "/s";
          bars.add(bar(s.stage(), s.perSecond(), SvgCharts.num(s.perSecond()) + " " + unit));
        }
      }
      chartOrNone(
          h,
          bars.isEmpty(),
          SvgCharts.bars(
              "chart-throughput",
              "Items per second per stage",
              bars,
              "items per second",
              SvgCharts.WIDE),
          "no stage finished any items");
    } else {
      List<Line> lines = new ArrayList<>();
      for (String stage : names) {
        double[] v = tl.throughput(stage);
        if (Timelines.hasData(v)) {
          String unit = units.getOrDefault(stage, "items") + "/s";
          lines.add(new Line(stage, stage + " (" + unit + ")", StageColors.of(stage), unit, v));
        }
      }
      lineChart(
          h,
          lines,
          SvgCharts.lines(
              "chart-throughput",
              "Items finished per second, per stage, over the run",
              tl.from,
              tl.to,
              lines,
              YAxis.auto("items per second"),
              List.of(),
              SvgCharts.WIDE),
          "no stage finished any items between samples");
    }
    h.append("</figure>\n");

    // (2) latency per stage over time, or the mean per stage
    h.append("<figure class=\"card\">\n<figcaption>Latency of one operation per stage")
        .append(tl.isEmpty() ? " (mean over the run)" : "")
        .append("</figcaption>\n");
    List<Line> latency = new ArrayList<>();
    if (!tl.isEmpty()) {
      for (String stage : names) {
        double[] v = tl.latencyMillis(stage);
        if (Timelines.hasData(v)) {
          latency.add(new Line(stage, stage, StageColors.of(stage), "ms", v));
        }
      }
    }
    if (!latency.isEmpty()) {
      lineChart(
          h,
          latency,
          SvgCharts.lines(
              "chart-latency",
              "Mean latency of one operation per stage, over the run",
              tl.from,
              tl.to,
              latency,
              YAxis.auto("ms per operation"),
              List.of(),
              SvgCharts.WIDE),
          "");
    } else {
      List<Bar> bars = new ArrayList<>();
      for (StageFigures s : stages) {
        if (s.operations() > 0 && s.meanMillis() > 0) {
          bars.add(
              bar(
                  s.stage(),
                  s.meanMillis(),
                  SvgCharts.num(s.meanMillis())
                      + " ms (max "
                      + SvgCharts.num(s.maxMillis())
                      + ")"));
        }
      }
      chartOrNone(
          h,
          bars.isEmpty(),
          SvgCharts.bars(
              "chart-latency",
              "Mean latency per stage",
              bars,
              "ms per operation (mean)",
              SvgCharts.WIDE),
          "no timed operations");
    }
    h.append("</figure>\n<div class=\"pair\">\n");

    // (3) share of busy time
    h.append("<figure class=\"card\">\n<figcaption>Share of busy time per stage</figcaption>\n");
    List<Bar> share = new ArrayList<>();
    for (StageFigures s : stages) {
      if (s.busySeconds() > 0) {
        share.add(
            bar(
                s.stage(),
                s.shareOfBusy() * 100,
                fixed(s.shareOfBusy() * 100, 1) + " % · " + fixed(s.busySeconds(), 1) + " s"));
      }
    }
    chartOrNone(
        h,
        share.isEmpty(),
        SvgCharts.bars(
            "chart-share", "Share of busy time per stage", share, "% of busy time", SvgCharts.HALF),
        "no stage recorded busy time");
    h.append("</figure>\n");

    // (4) CPU and heap over time
    h.append("<figure class=\"card\">\n<figcaption>CPU and heap</figcaption>\n");
    List<Line> res = new ArrayList<>();
    if (!tl.isEmpty()) {
      double[] cpu = tl.cpuPercent();
      double[] heap = tl.heapPercent();
      if (hasAny(cpu)) {
        res.add(new Line("cpu", "CPU (% of all cores)", StageColors.CPU, "%", cpu));
      }
      if (hasAny(heap)) {
        String max = gib(tl.heapMaxBytes());
        res.add(new Line("heap", "heap (% of " + max + ")", StageColors.HEAP, "%", heap));
      }
    }
    if (res.isEmpty()) {
      none(h, "no samples of CPU or heap (peaks are under Resources)");
    } else {
      lineChart(
          h,
          res,
          SvgCharts.lines(
              "chart-resources",
              "CPU and heap use over the run",
              tl.from,
              tl.to,
              res,
              new YAxis("% of limit", 0, 100),
              limits(settings),
              SvgCharts.HALF),
          "");
    }
    h.append("</figure>\n</div>\n</section>\n");
  }

  /** The resource monitor's thresholds, read from the settings by name. */
  private static List<Ref> limits(JsonNode settings) {
    List<Ref> refs = new ArrayList<>();
    JsonNode s = settings;
    double cpu = s.path("max_cpu_fraction").asDouble(0);
    double heap = s.path("max_heap_fraction").asDouble(0);
    if (cpu > 0 && cpu <= 1 && Math.abs(cpu - heap) < 1e-9) {
      refs.add(new Ref("CPU and heap limit " + fixed(cpu * 100, 0) + " %", cpu * 100));
      return refs;
    }
    if (cpu > 0 && cpu <= 1) {
      refs.add(new Ref("CPU limit " + fixed(cpu * 100, 0) + " %", cpu * 100));
    }
    if (heap > 0 && heap <= 1) {
      refs.add(new Ref("heap limit " + fixed(heap * 100, 0) + " %", heap * 100));
    }
    return refs;
  }

  private static void lineChart(StringBuilder h, List<Line> lines, String svg, String empty) {
    chartOrNone(h, lines.isEmpty(), SvgCharts.legend(lines) + "\n" + svg, empty);
  }

  private static void chartOrNone(StringBuilder h, boolean empty, String chart, String why) {
    if (empty) {
      none(h, why);
    } else {
      h.append(chart).append('\n');
    }
  }

  private static Bar bar(String stage, double value, String text) {
    return new Bar(stage, stage, StageColors.of(stage), value, text);
  }

  private static boolean hasAny(double[] values) {
    for (double v : values) {
      if (!Double.isNaN(v)) {
        return true;
      }
    }
    return false;
  }

  private static String gib(long bytes) {
    return bytes >= 1L << 30
        ? fixed(bytes / (double) (1L << 30), 1) + " GiB"
        : fixed(bytes / (double) (1L << 20), 0) + " MiB";
  }
}
