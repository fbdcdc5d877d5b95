package dev.qdrantloader.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.runners.report.RunReport.FailureLine;
import dev.qdrantloader.runners.report.RunReport.ProfileSummary;
import dev.qdrantloader.runners.report.RunReport.Sample;
import dev.qdrantloader.runners.report.RunReport.StageFigures;
import dev.qdrantloader.runners.report.RunReport.Timeline;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The HTML report's markup: charts, escaping, and what empty sections say. */
class HtmlReportTest {
  static final List<String> STAGES =
      ReportFixture.SHAPES.stream().map(ReportFixture.Shape::stage).toList();

  /** A chart's {@code <svg>}, parsed as XML (which also proves it well-formed). */
  static Element chart(String html, String id) throws Exception {
    Matcher m =
        Pattern.compile("<svg class=\"chart\"[^>]* id=\"" + id + "\".*?</svg>", Pattern.DOTALL)
            .matcher(html);
    assertTrue(m.find(), "no chart " + id);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document d = f.newDocumentBuilder().parse(new InputSource(new StringReader(m.group())));
    return d.getDocumentElement();
  }

  /** The marks ({@code path.series} or {@code rect.bar}) of a chart, by stage. */
  static Map<String, Element> marks(Element svg, String tag, String cls) {
    Map<String, Element> byStage = new LinkedHashMap<>();
    NodeList nodes = svg.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getAttribute("class").equals(cls)) {
        assertEquals(null, byStage.put(e.getAttribute("data-stage"), e), "one mark per stage");
      }
    }
    return byStage;
  }

  static List<String> texts(Element svg, String cls) {
    List<String> out = new ArrayList<>();
    NodeList nodes = svg.getElementsByTagName("text");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getAttribute("class").equals(cls)) {
        out.add(e.getTextContent());
      }
    }
    return out;
  }

  static int points(Element path) {
    return path.getAttribute("d").split("[ML]").length - 1;
  }

  static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    assertTrue(start >= 0, "no section " + id);
    return html.substring(start, html.indexOf("</section>", start));
  }

  @Test
  void throughputHasOneLinePerStageInItsColourWithAxesAndLegend() throws Exception {
    String html = HtmlReport.render(ReportFixture.realistic());
    Element svg = chart(html, "chart-throughput");
    Map<String, Element> lines = marks(svg, "path", "series");
    assertEquals(STAGES, List.copyOf(lines.keySet()));
    for (String stage : STAGES) {
      assertEquals(StageColors.of(stage), lines.get(stage).getAttribute("stroke"), stage);
      assertTrue(
          html.contains("background:" + StageColors.of(stage) + "\"></span>" + stage + " ("));
    }
    // embed works from 5 s to 52 s: a point for each second it finished chunks
    assertTrue(points(lines.get("embed")) >= 45, lines.get("embed").getAttribute("d"));
    List<String> axisTitles = texts(svg, "axis-title");
    assertTrue(axisTitles.contains("time since start (s)"), axisTitles.toString());
    assertTrue(axisTitles.contains("items per second (log scale)"), axisTitles.toString());
    List<String> ticks = texts(svg, "tick");
    assertTrue(
        ticks.containsAll(List.of("0", "10", "30", "60", "1", "10", "100", "1,000")), "" + ticks);
    assertEquals(1, svg.getElementsByTagName("rect").getLength() - 60, "one plot, 60 hover bands");
  }

  @Test
  void latencyHasALineForEachTimedStageOnly() throws Exception {
    String html = HtmlReport.render(ReportFixture.realistic());
    Element svg = chart(html, "chart-latency");
    assertEquals(ReportFixture.TIMED, List.copyOf(marks(svg, "path", "series").keySet()));
    assertTrue(texts(svg, "axis-title").contains("ms per operation (log scale)"));

    Element share = chart(html, "chart-share");
    assertEquals(ReportFixture.TIMED, List.copyOf(marks(share, "rect", "bar").keySet()));
    assertTrue(texts(share, "axis-title").contains("% of busy time"));

    Element res = chart(html, "chart-resources");
    assertEquals(List.of("cpu", "heap"), List.copyOf(marks(res, "path", "series").keySet()));
    assertTrue(texts(res, "axis-title").contains("% of limit"));
    assertTrue(texts(res, "ref-label").contains("CPU limit 90 %"), "thresholds from the settings");
  }

  @Test
  void aHoverBandNamesEveryStagesFigure() throws Exception {
    Element svg = chart(HtmlReport.render(ReportFixture.realistic()), "chart-throughput");
    String band = svg.getElementsByTagName("g").item(0).getTextContent();
    assertTrue(band.startsWith("0–1 s\nread: 253 documents/s\ndiff: 0 documents/s\n"), band);
    assertTrue(band.contains("embed: – chunks/s") || band.contains("embed: 0 chunks/s"), band);
  }

  @Test
  void userTextIsEscapedEverywhere() throws Exception {
    RunReport r = ReportFixture.realistic();
    List<FailureLine> failures = new ArrayList<>(r.failures());
    failures.add(new FailureLine("convert", "p", "s", "a\u0000b.md", "nul & <b>bold</b>"));
    List<StageFigures> stages = new ArrayList<>(r.stages());
    stages.add(new StageFigures("x\" onmouseover=\"alert(1)", "<i>", 1, 1, 0.1, 1, 1, 1, 1));
    ProfileSummary profile =
        new ProfileSummary("/tmp/it's \"here\".jfr", "<flame>.html", 1, List.of());
    r = ReportFixture.with(r, r.failureCounts(), failures, r.advice(), profile);
    r = withStages(r, stages);
    String html = HtmlReport.render(r);

    assertFalse(html.toLowerCase().contains("<script"), "no script element at all");
    assertFalse(html.contains("<img"));
    assertFalse(html.contains("<b>bold"));
    assertFalse(html.contains("<i>"));
    assertFalse(html.contains("\" onmouseover"));
    assertFalse(html.contains("\u0000"));
    assertTrue(html.contains("legacy/&lt;script&gt;alert(&quot;path&quot;)&lt;/script&gt;.doc"));
    assertTrue(html.contains("legacy/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.wpd"));
    assertTrue(html.contains("&lt;script&gt;alert(&#39;reason&#39;)&lt;/script&gt; &amp; upsert"));
    assertTrue(html.contains("nul &amp; &lt;b&gt;bold&lt;/b&gt;"));
    assertTrue(html.contains("webhooks &amp; callbacks.yaml"));
    assertTrue(html.contains("intake paused &lt;3 times&gt;"), "warnings too");
    assertTrue(html.contains("href=\"%3Cflame%3E.html\""), "links are encoded");
    assertTrue(html.contains("href=\"it%27s%20%22here%22.jfr\""), "an absolute path: its name");
    // every chart is still well-formed XML with the odd stage in it
    assertTrue(
        marks(chart(html, "chart-share"), "rect", "bar").containsKey("x\" onmouseover=\"alert(1)"));
  }

  @Test
  void thePageFetchesNothing() {
    String html = HtmlReport.render(ReportFixture.realistic());
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains(HtmlReport.CSP));
    String outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(outside.contains("http://") || outside.contains("https://"), "no address");
    for (String tag : List.of("<script", "<link", "<img", "<iframe", "<object", "<embed")) {
      assertFalse(outside.contains(tag), tag);
    }
    assertFalse(Pattern.compile("<[a-zA-Z][^>]*\\s(src|srcset)=").matcher(html).find());
    String style = html.substring(html.indexOf("<style>"), html.indexOf("</style>"));
    assertFalse(style.contains("@import") || style.contains("url("), "the style loads nothing");
  }

  @Test
  void withoutATimelineLatencyIsTheMeanPerStage() throws Exception {
    for (Timeline empty : new Timeline[] {null, new Timeline(1, List.of())}) {
      String html = HtmlReport.render(ReportFixture.withTimeline(ReportFixture.realistic(), empty));
      Element latency = chart(html, "chart-latency");
      assertEquals(0, marks(latency, "path", "series").size());
      Map<String, Element> bars = marks(latency, "rect", "bar");
      assertEquals(ReportFixture.TIMED, List.copyOf(bars.keySet()));
      assertTrue(texts(latency, "axis-title").contains("ms per operation (mean)"));
      // embed's mean is the largest: the longest bar
      double embed = Double.parseDouble(bars.get("embed").getAttribute("width"));
      for (Element bar : bars.values()) {
        assertTrue(Double.parseDouble(bar.getAttribute("width")) <= embed);
      }
      Element throughput = chart(html, "chart-throughput");
      assertEquals(STAGES, List.copyOf(marks(throughput, "rect", "bar").keySet()));
      assertTrue(
          section(html, "charts").contains("no timeline: this runner gives no live metrics"));
      assertTrue(section(html, "charts").contains("no samples of CPU or heap"));
      assertFalse(html.contains("id=\"chart-resources\""));
    }
  }

  @Test
  void emptySectionsSaySo() {
    RunReport r =
        ReportFixture.with(ReportFixture.realistic(), List.of(), List.of(), List.of(), null);
    String html = HtmlReport.render(r);
    assertTrue(section(html, "failures").contains("<p class=\"empty\">no failures</p>"));
    assertTrue(section(html, "advice").contains("no advice"));
    assertTrue(section(html, "profile").contains("not profiled"));

    RunReport bare =
        new RunReport(
            RunReport.VERSION,
            "r",
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    String nothing = HtmlReport.render(bare);
    for (String id :
        List.of("totals", "stages", "failures", "advice", "resources", "profile", "settings")) {
      assertTrue(section(nothing, id).contains("<p class=\"empty\">"), id);
    }
    assertTrue(section(nothing, "charts").contains("no stage finished any items"));
  }

  @Test
  void settingsAreListedByTheirJsonNames() {
    String settings = section(HtmlReport.render(ReportFixture.realistic()), "settings");
    assertTrue(settings.contains("<dt>max_tokens_per_request</dt>"), settings);
    assertTrue(settings.contains("250000"));
    assertTrue(settings.contains("<dt>embedding_model</dt>"));
    assertTrue(settings.contains("text-embedding-3-small"));
  }

  @Test
  void totalsComeInTheSummarysOrderAndFailuresStandOut() {
    String totals = section(HtmlReport.render(ReportFixture.realistic()), "totals");
    int listed = totals.indexOf(">listed<");
    int unchanged = totals.indexOf(">unchanged<");
    int written = totals.indexOf(">points written<");
    assertTrue(listed > 0 && listed < unchanged && unchanged < written, totals);
    assertTrue(totals.contains("<div class=\"tile bad\"><div class=\"fig\">7</div>"));
  }

  @Test
  void writeLinksProfileFilesRelativeToThePage(@TempDir Path ws) throws Exception {
    Path runs = Files.createDirectories(ws.resolve(".qdrant-loader/runs"));
    RunReport r = ReportFixture.realistic();
    ProfileSummary profile =
        new ProfileSummary(
            runs.resolve("r-profile.jfr").toString(),
            runs.resolve("flame/r.html").toString(),
            10,
            r.profile().hotMethods());
    r = ReportFixture.with(r, r.failureCounts(), r.failures(), r.advice(), profile);
    Path page = runs.resolve("r.html");
    HtmlReport.write(r, page);
    String html = Files.readString(page);
    assertTrue(html.contains("href=\"r-profile.jfr\""), html);
    assertTrue(html.contains("href=\"flame/r.html\""));
  }

  @Test
  void aLongRunIsAveragedToAtMostFourHundredPoints() throws Exception {
    List<Sample> samples = new ArrayList<>();
    for (int t = 1; t <= 7200; t++) {
      samples.add(
          new Sample(t, Map.of("embed", 40L * t), Map.of(), Map.of(), 0.5, 1L << 29, 1L << 30));
    }
    Timelines tl = new Timelines(samples);
    assertTrue(tl.from.length <= Timelines.MAX_INTERVALS, "" + tl.from.length);
    assertEquals(0.0, tl.from[0]);
    assertEquals(7200.0, tl.to[tl.to.length - 1]);
    for (double v : tl.throughput("embed")) {
      assertEquals(40.0, v, 1e-9);
    }
    RunReport r = ReportFixture.withTimeline(ReportFixture.realistic(), new Timeline(1, samples));
    Element svg = chart(HtmlReport.render(r), "chart-throughput");
    assertTrue(points(marks(svg, "path", "series").get("embed")) <= Timelines.MAX_INTERVALS);
    assertTrue(texts(svg, "axis-title").contains("time since start (min)"));
  }

  @Test
  void aStageKeepsItsColourAndUnknownStagesGetAStableOne() {
    assertEquals("#59a14f", StageColors.of("embed"));
    assertEquals(StageColors.of("rerank"), StageColors.of("rerank"));
    assertTrue(StageColors.of("rerank").matches("#[0-9a-f]{6}"));
  }

  private static RunReport withStages(RunReport r, List<StageFigures> stages) {
    return ReportFixture.with(r, java.util.Map.of("stages", stages));
  }
}
