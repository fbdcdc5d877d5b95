package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.Html.attr;
import static dev.qdrantloader.runners.report.Html.count;
import static dev.qdrantloader.runners.report.Html.esc;
import static dev.qdrantloader.runners.report.Html.fixed;
import static dev.qdrantloader.runners.report.Html.none;
import static dev.qdrantloader.runners.report.Html.orEmpty;
import static dev.qdrantloader.runners.report.Html.section;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qdrantloader.runners.report.RunReport.Advice;
import dev.qdrantloader.runners.report.RunReport.FailureCount;
import dev.qdrantloader.runners.report.RunReport.FailureLine;
import dev.qdrantloader.runners.report.RunReport.HotMethod;
import dev.qdrantloader.runners.report.RunReport.ProfileSummary;
import dev.qdrantloader.runners.report.RunReport.Resources;
import dev.qdrantloader.runners.report.RunReport.StageFigures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run report as one self-contained HTML page, written beside {@code runs/<run-id>.json}: figures,
 * tables and charts (inline SVG drawn here) with no script, font or stylesheet from elsewhere. Its
 * Content-Security-Policy allows nothing but its own inline styles, so it opens the same offline,
 * from a CI artifact or in a mail client's preview.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** The page's policy: no scripts, no requests; only the inline styles. */
  static final String CSP =
      "<meta http-equiv=\"Content-Security-Policy\""
          + " content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">";

  /** Failures listed one by one at most; the JSON has them all. */
  static final int MAX_FAILURES = 500;

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** The page for a report; profile files are linked by the paths the report gives. */
  public static String render(RunReport r) {
    return render(r, null);
  }

  /** Writes the page to {@code file}, linking the profile's files relative to the page's folder. */
  public static void write(RunReport r, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.writeString(file, render(r, dir), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the HTML report " + file, e);
    }
  }

  static String render(RunReport r, Path dir) {
    StringBuilder h = new StringBuilder(256 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append(CSP)
        .append("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"qdrant-loader\">\n")
        .append("<title>qdrant-loader run ")
        .append(esc(r.runId()))
        .append("</title>\n<style>")
        .append(ReportStyle.CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    header(h, r);
    totals(h, r);
    stages(h, r);
    ReportCharts.charts(h, r, settingsTree(r));
    failures(h, r);
    advice(h, r);
    resources(h, r);
    profile(h, r, dir);
    settings(h, r);
    counters(h, r);
    h.append("<footer>qdrant-loader run report, format ")
        .append(r.reportVersion())
        .append(" · every figure is also in <code>")
        .append(esc(r.runId()))
        .append(".json</code></footer>\n</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void header(StringBuilder h, RunReport r) {
    String status = r.status() == null ? "unknown" : r.status();
    String tone =
        switch (status) {
          case "succeeded" -> "ok";
          case "failed_documents" -> "warn";
          case "failed" -> "bad";
          default -> "neutral";
        };
    h.append("<header class=\"top\">\n<div class=\"brand\">qdrant-loader · run report</div>\n")
        .append("<h1>Run <span class=\"mono\">")
        .append(esc(r.runId()))
        .append("</span> <span")
        .append(attr("class", "status " + tone))
        .append('>')
        .append(esc(status.replace('_', ' ')))
        .append("</span></h1>\n<dl class=\"meta\">\n");
    if (r.error() != null) {
      meta(h, "error", "<span class=\"mono\">" + esc(r.error()) + "</span>");
    }
    meta(h, "scope", esc(r.scope()));
    meta(h, "runner", esc(r.runner()));
    meta(h, "wall time", esc(duration(r.seconds())));
    meta(h, "started", esc(r.started()));
    meta(h, "ended", esc(r.ended()));
    StringBuilder versions = new StringBuilder();
    for (Map.Entry<String, String> v : orEmpty(r.versions()).entrySet()) {
      versions
          .append("<span class=\"chip\">")
          .append(esc(v.getKey().replace('_', '-')))
          .append(" <b>")
          .append(esc(v.getValue()))
          .append("</b></span> ");
    }
    meta(
        h,
        "versions",
        versions.length() == 0 ? "<span class=\"none\">not recorded</span>" : versions.toString());
    meta(
        h,
        "config digest",
        "<span class=\"mono digest\""
            + attr("title", "SHA-256 of the effective configuration (secrets masked)")
            + ">"
            + esc(r.configDigest())
            + "</span>");
    h.append("</dl>\n</header>\n");
  }

  private static void meta(StringBuilder h, String term, String html) {
    h.append("<div><dt>")
        .append(esc(term))
        .append("</dt><dd>")
        .append(html)
        .append("</dd></div>\n");
  }

  private static final List<String> DOCUMENT_KEYS =
      List.of("listed", "new", "changed", "unchanged", "moved", "deleted", "failed");

  private static final List<String> OUTPUT_KEYS =
      List.of("chunks", "points_written", "points_removed");

  private static void totals(StringBuilder h, RunReport r) {
    Map<String, Long> totals = orEmpty(r.totals());
    section(h, "totals", "Totals");
    if (totals.isEmpty()) {
      none(h, "no totals recorded");
    } else {
      Map<String, Long> docs = new LinkedHashMap<>();
      Map<String, Long> out = new LinkedHashMap<>();
      List<String> keys = new ArrayList<>(totals.keySet());
      keys.sort(Comparator.comparingInt(HtmlReport::totalsRank));
      for (String k : keys) {
        String name = k.startsWith("documents_") ? k.substring("documents_".length()) : k;
        (DOCUMENT_KEYS.contains(name) ? docs : out).put(name, totals.get(k));
      }
      tiles(h, "documents", docs);
      tiles(h, "chunks and points", out);
    }
    h.append("</section>\n");
  }

  private static int totalsRank(String key) {
    String name = key.startsWith("documents_") ? key.substring("documents_".length()) : key;
    int d = DOCUMENT_KEYS.indexOf(name);
    if (d >= 0) {
      return d;
    }
    int o = OUTPUT_KEYS.indexOf(name);
    return o >= 0 ? 100 + o : 1000;
  }

  private static void tiles(StringBuilder h, String group, Map<String, Long> figures) {
    if (figures.isEmpty()) {
      return;
    }
    h.append("<div class=\"tiles\"><div class=\"group\">").append(esc(group)).append("</div>");
    for (Map.Entry<String, Long> e : figures.entrySet()) {
      long v = e.getValue() == null ? 0 : e.getValue();
      boolean bad = e.getKey().equals("failed") && v > 0;
      h.append("<div")
          .append(attr("class", bad ? "tile bad" : "tile"))
          .append("><div class=\"fig\">")
          .append(count(v))
          .append("</div><div class=\"cap\">")
          .append(esc(e.getKey().replace('_', ' ')))
          .append("</div></div>");
    }
    h.append("</div>\n");
  }

  private static void stages(StringBuilder h, RunReport r) {
    List<StageFigures> stages = orEmpty(r.stages());
    section(h, "stages", "Stages");
    if (stages.isEmpty()) {
      none(h, "no stage figures recorded");
    } else {
      h.append("<table class=\"stages\">\n<thead><tr><th>stage</th><th>unit</th>")
          .append("<th class=\"n\">items</th><th class=\"n\">items/s</th>")
          .append("<th class=\"n\">operations</th><th class=\"n\">busy s</th>")
          .append("<th>share of busy time</th><th class=\"n\">mean ms</th>")
          .append("<th class=\"n\">max ms</th></tr></thead>\n<tbody>\n");
      for (StageFigures s : stages) {
        boolean timed = s.operations() > 0;
        h.append("<tr><td>")
            .append(swatch(s.stage()))
            .append(esc(s.stage()))
            .append("</td><td>")
            .append(esc(s.unit()))
            .append("</td><td class=\"n\">")
            .append(count(s.items()))
            .append("</td><td class=\"n\">")
            .append(SvgCharts.num(s.perSecond()))
            .append("</td><td class=\"n\">")
            .append(timed ? count(s.operations()) : dash())
            .append("</td><td class=\"n\">")
            .append(s.busySeconds() > 0 ? fixed(s.busySeconds(), 1) : dash())
            .append("</td><td>")
            .append(shareBar(s.shareOfBusy(), StageColors.of(s.stage())))
            .append("</td><td class=\"n\">")
            .append(timed ? SvgCharts.num(s.meanMillis()) : dash())
            .append("</td><td class=\"n\">")
            .append(timed ? SvgCharts.num(s.maxMillis()) : dash())
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n<p class=\"note\">busy time is the stages' timed work summed")
          .append(" over threads; for embed it is the requests' latency summed, and requests")
          .append(" overlap, so shares say where time goes, not how wall time splits.</p>\n");
    }
    h.append("</section>\n");
  }

  private static void failures(StringBuilder h, RunReport r) {
    List<FailureCount> counts = new ArrayList<>(orEmpty(r.failureCounts()));
    List<FailureLine> lines = orEmpty(r.failures());
    section(h, "failures", "Failures");
    if (counts.isEmpty() && lines.isEmpty()) {
      none(h, "no failures");
      h.append("</section>\n");
      return;
    }
    h.append("<h3>By stage and reason</h3>\n");
    if (counts.isEmpty()) {
      none(h, "no counts recorded");
    } else {
      counts.sort(Comparator.comparingLong(FailureCount::count).reversed());
      h.append("<table>\n<thead><tr><th>stage</th><th>reason</th><th class=\"n\">count</th>")
          .append("</tr></thead>\n<tbody>\n");
      for (FailureCount c : counts) {
        h.append("<tr><td>")
            .append(swatch(c.stage()))
            .append(esc(c.stage()))
            .append("</td><td>")
            .append(esc(c.reason()))
            .append("</td><td class=\"n\">")
            .append(count(c.count()))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("<h3>Every failure</h3>\n");
    if (lines.isEmpty()) {
      none(h, "no failures listed");
    } else {
      h.append("<table class=\"failures\">\n<thead><tr><th>stage</th><th>project</th>")
          .append("<th>source</th><th>path</th><th>reason</th></tr></thead>\n<tbody>\n");
      int shown = Math.min(lines.size(), MAX_FAILURES);
      for (FailureLine f : lines.subList(0, shown)) {
        h.append("<tr><td>")
            .append(esc(f.stage()))
            .append("</td><td>")
            .append(esc(f.projectId()))
            .append("</td><td>")
            .append(esc(f.source()))
            .append("</td><td class=\"mono path\">")
            .append(esc(f.path()))
            .append("</td><td class=\"reason\">")
            .append(esc(f.reason()))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
      if (lines.size() > shown) {
        h.append("<p class=\"note\">")
            .append(count(lines.size() - shown))
            .append(" more failures are in the JSON report.</p>\n");
      }
    }
    h.append("</section>\n");
  }

  private static void advice(StringBuilder h, RunReport r) {
    List<Advice> advice = orEmpty(r.advice());
    section(h, "advice", "Tuning advice");
    if (advice.isEmpty()) {
      none(h, "no advice: no figure crossed a rule's threshold");
    } else {
      h.append("<ul class=\"advice\">\n");
      for (Advice a : advice) {
        h.append("<li><code class=\"rule\">")
            .append(esc(a.rule()))
            .append("</code><div class=\"what\">")
            .append(esc(a.advice()))
            .append("</div><div class=\"why\">because ")
            .append(esc(a.because()))
            .append("</div></li>\n");
      }
      h.append("</ul>\n");
    }
    h.append("</section>\n");
  }

  private static void resources(StringBuilder h, RunReport r) {
    Resources res = r.resources();
    section(h, "resources", "Resources");
    if (res == null) {
      none(h, "no resource monitor figures recorded");
    } else {
      h.append("<dl class=\"kv\">\n");
      kv(h, "throttles", count(res.throttles()));
      kv(h, "time intake waited", fixed(res.throttledSeconds(), 1) + " s");
      kv(
          h,
          "peak CPU",
          res.peakCpuLoad() < 0
              ? "unknown"
              : fixed(res.peakCpuLoad() * 100, 0) + " % of all cores");
      kv(h, "peak heap", fixed(res.peakHeapFraction() * 100, 0) + " % of the heap's limit");
      h.append("</dl>\n<h3>Warnings</h3>\n");
      List<String> warnings = orEmpty(res.warnings());
      if (warnings.isEmpty()) {
        none(h, "no warnings");
      } else {
        h.append("<ul class=\"warnings\">\n");
        for (String w : warnings) {
          h.append("<li>").append(esc(w)).append("</li>\n");
        }
        h.append("</ul>\n");
      }
    }
    h.append("</section>\n");
  }

  private static void profile(StringBuilder h, RunReport r, Path dir) {
    ProfileSummary p = r.profile();
    section(h, "profile", "Profile");
    if (p == null) {
      none(h, "not profiled (ingest with --profile records one)");
      h.append("</section>\n");
      return;
    }
    h.append("<dl class=\"kv\">\n");
    kv(h, "samples", count(p.samples()));
    kv(h, "flame graph", link(p.flameGraph(), dir));
    kv(h, "recording (JFR)", link(p.recording(), dir));
    h.append("</dl>\n<h3>Hot methods (self time)</h3>\n");
    List<HotMethod> hot = orEmpty(p.hotMethods());
    if (hot.isEmpty()) {
      none(h, "no execution samples");
    } else {
      h.append("<table>\n<thead><tr><th>method</th><th class=\"n\">samples</th>")
          .append("<th>share</th></tr></thead>\n<tbody>\n");
      for (HotMethod m : hot) {
        h.append("<tr><td class=\"mono\">")
            .append(esc(m.method()))
            .append("</td><td class=\"n\">")
            .append(count(m.samples()))
            .append("</td><td>")
            .append(shareBar(m.share(), "#4e79a7"))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }
    h.append("</section>\n");
  }

  /** A link to a file beside the report; an absolute path is made relative to the page. */
  private static String link(String path, Path dir) {
    if (path == null || path.isBlank()) {
      return "<span class=\"none\">none</span>";
    }
    String href;
    try {
      Path p = Path.of(path);
      if (p.isAbsolute()) {
        p = dir != null ? dir.relativize(p) : p.getFileName();
      }
      List<String> parts = new ArrayList<>();
      for (Path part : p) {
        parts.add(URLEncoder.encode(part.toString(), UTF_8).replace("+", "%20"));
      }
      href = String.join("/", parts);
    } catch (IllegalArgumentException e) { // InvalidPathException, or relativize across roots
      return "<span class=\"mono\">" + esc(path) + "</span>";
    }
    return "<a" + attr("href", href) + "><span class=\"mono\">" + esc(path) + "</span></a>";
  }

  private static void settings(StringBuilder h, RunReport r) {
    section(h, "settings", "Settings");
    JsonNode s = settingsTree(r);
    if (s.isEmpty()) {
      none(h, "no settings recorded");
    } else {
      h.append("<dl class=\"kv settings\">\n");
      for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        String text = v.isNull() ? "–" : v.isValueNode() ? v.asText() : v.toString();
        kv(h, e.getKey(), "<span class=\"mono\">" + esc(text) + "</span>");
      }
      h.append("</dl>\n");
    }
    h.append("</section>\n");
  }

  /** The settings as the JSON file names them, whatever fields the record has. */
  private static JsonNode settingsTree(RunReport r) {
    return r.settings() == null
        ? JSON.createObjectNode()
        : JSON.valueToTree(r.settings()) instanceof ObjectNode o ? o : JSON.createObjectNode();
  }

  private static void counters(StringBuilder h, RunReport r) {
    Map<String, Long> counters = orEmpty(r.counters());
    Map<String, Map<String, Long>> dists = orEmpty(r.distributions());
    section(h, "counters", "Beam counters and distributions");
    if (counters.isEmpty() && dists.isEmpty()) {
      none(h, "no Beam metrics recorded");
    } else {
      h.append("<details><summary>")
          .append(counters.size())
          .append(" counters, ")
          .append(dists.size())
          .append(" distributions</summary>\n<table class=\"counters\">\n<thead><tr>")
          .append("<th>metric</th><th class=\"n\">value</th></tr></thead>\n<tbody>\n");
      for (Map.Entry<String, Long> c : counters.entrySet()) {
        h.append("<tr><td class=\"mono\">")
            .append(esc(c.getKey()))
            .append("</td><td class=\"n\">")
            .append(count(c.getValue() == null ? 0 : c.getValue()))
            .append("</td></tr>\n");
      }
      for (Map.Entry<String, Map<String, Long>> d : dists.entrySet()) {
        StringBuilder parts = new StringBuilder();
        for (Map.Entry<String, Long> p : orEmpty(d.getValue()).entrySet()) {
          parts
              .append(esc(p.getKey()))
              .append(' ')
              .append(count(p.getValue() == null ? 0 : p.getValue()))
              .append("  ");
        }
        h.append("<tr><td class=\"mono\">")
            .append(esc(d.getKey()))
            .append("</td><td class=\"n\">")
            .append(parts.toString().trim())
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n</details>\n");
    }
    h.append("</section>\n");
  }

  private static void kv(StringBuilder h, String term, String html) {
    h.append("<div><dt>")
        .append(esc(term))
        .append("</dt><dd>")
        .append(html)
        .append("</dd></div>\n");
  }

  private static String swatch(String stage) {
    return "<span class=\"swatch\""
        + attr("style", "background:" + StageColors.of(stage))
        + "></span>";
  }

  private static String shareBar(double share, String color) {
    double pct = Math.max(0, Math.min(100, share * 100));
    return "<span class=\"share\"><span class=\"track\"><span class=\"fill\""
        + attr("style", "width:" + fixed(pct, 1) + "%;background:" + color)
        + "></span></span>"
        + fixed(pct, 1)
        + " %</span>";
  }

  private static String dash() {
    return "<span class=\"none\">–</span>";
  }

  static String duration(double seconds) {
    if (seconds < 60) {
      return fixed(seconds, 1) + " s";
    }
    long s = Math.round(seconds);
    String hms =
        s >= 3600
            ? String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60)
            : String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    return hms + " (" + fixed(seconds, 1) + " s)";
  }
}
