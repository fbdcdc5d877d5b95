package dev.qdrantloader.runners.report;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opened in Debian's headless Chromium draws its charts.
 *
 * <p>Chromium first loads a copy of the page with a probe script appended (the report itself allows
 * no script) that writes where each chart's plotting area landed and what the browser made of its
 * lines; then it takes a screenshot of the real page, and every line's and bar's colour must show
 * inside its chart's plotting area.
 *
 * <p>runners/pom.xml installs Chromium when {@code /usr/bin/chromium} is missing. Where it cannot
 * be installed, {@code -Dchromium.skip} reports this test as skipped.
 */
class HtmlReportRenderingTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final int WIDTH = 1200;

  @TempDir Path dir;

  @BeforeEach
  void chromiumIsThere() {
    assumeFalse(Boolean.getBoolean("chromium.skip"), "skipped: -Dchromium.skip");
    assertTrue(
        Files.isExecutable(CHROMIUM),
        CHROMIUM
            + " is missing: `mvn verify` installs Debian's chromium (profile install-chromium in"
            + " runners/pom.xml, as root); where it cannot be installed, run with -Dchromium.skip");
  }

  /** Reports where each chart is on the page, and each line's rendered length. */
  private static final String PROBE =
      """
      <script>
      (function () {
        var out = {width: document.documentElement.scrollWidth,
                   height: document.documentElement.scrollHeight, charts: {}};
        document.querySelectorAll('svg[data-chart]').forEach(function (svg) {
          var p = svg.querySelector('rect.plot').getBoundingClientRect();
          var marks = [];
          svg.querySelectorAll('[data-stage]').forEach(function (e) {
            var b = e.getBoundingClientRect();
            marks.push({stage: e.getAttribute('data-stage'), tag: e.tagName,
                        length: e.getTotalLength ? e.getTotalLength() : 0,
                        width: b.width, height: b.height});
          });
          out.charts[svg.id] = {x: p.left + window.scrollX, y: p.top + window.scrollY,
                                w: p.width, h: p.height, marks: marks};
        });
        var pre = document.createElement('pre');
        pre.id = 'probe';
        pre.textContent = JSON.stringify(out);
        document.body.appendChild(pre);
      })();
      </script>
      """;

  @Test
  void everyChartDrawsEveryStageInHeadlessChromium() throws Exception {
    RunReport report = ReportFixture.realistic();
    Path page = dir.resolve("report.html");
    HtmlReport.write(report, page);
    String html = Files.readString(page);
    assertTrue(html.contains(HtmlReport.CSP), "the report carries its policy");

    Path probePage = dir.resolve("probe.html");
    Files.writeString(
        probePage, html.replace(HtmlReport.CSP, "").replace("</body>", PROBE + "</body>"), UTF_8);
    String dom = chromium(900, "--dump-dom", probePage.toUri().toString());
    JsonNode probe = probe(dom);

    assertEquals(4, count(dom, "<svg class=\"chart\""), "four charts in the DOM");
    assertTrue(
        probe.path("width").asInt() <= WIDTH,
        "nothing wider than the window: " + probe.path("width"));
    int height = probe.path("height").asInt();
    assertTrue(height > 1500 && height < 12000, "page height " + height);

    List<String> stages = ReportFixture.SHAPES.stream().map(ReportFixture.Shape::stage).toList();
    JsonNode charts = probe.path("charts");
    assertMarks(charts.path("chart-throughput"), "path", stages);
    assertMarks(charts.path("chart-latency"), "path", ReportFixture.TIMED);
    assertMarks(charts.path("chart-share"), "rect", ReportFixture.TIMED);
    assertMarks(charts.path("chart-resources"), "path", List.of("cpu", "heap"));

    Path png = dir.resolve("report.png");
    chromium(height, "--screenshot=" + png, page.toUri().toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(WIDTH, image.getWidth());
    assertEquals(height, image.getHeight());
    // Kept for a look, and for docs/run-report.png (docs/run-report.md says how).
    Files.createDirectories(Path.of("target"));
    Files.copy(page, Path.of("target/html-report.html"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(png, Path.of("target/html-report.png"), StandardCopyOption.REPLACE_EXISTING);
    assertNotBlank(image);

    for (String stage : stages) {
      assertColourIn(image, charts.path("chart-throughput"), stage, StageColors.of(stage));
    }
    for (String stage : ReportFixture.TIMED) {
      assertColourIn(image, charts.path("chart-latency"), stage, StageColors.of(stage));
      assertColourIn(image, charts.path("chart-share"), stage, StageColors.of(stage));
    }
    assertColourIn(image, charts.path("chart-resources"), "cpu", StageColors.CPU);
    assertColourIn(image, charts.path("chart-resources"), "heap", StageColors.HEAP);
  }

  /** One mark per stage, of the given element, with a size the browser computed. */
  private static void assertMarks(JsonNode chart, String tag, List<String> stages) {
    assertTrue(chart.isObject(), "chart missing from the page: " + chart);
    assertTrue(chart.path("w").asDouble() > 300 && chart.path("h").asDouble() > 100, "" + chart);
    Set<String> seen = new HashSet<>();
    for (JsonNode m : chart.path("marks")) {
      assertEquals(tag, m.path("tag").asText(), "" + m);
      double size =
          tag.equals("path")
              ? m.path("length").asDouble()
              : m.path("width").asDouble() * m.path("height").asDouble();
      assertTrue(size > 0, "drawn with no size: " + m);
      assertTrue(seen.add(m.path("stage").asText()), "twice: " + m);
    }
    assertEquals(Set.copyOf(stages), seen);
  }

  /** Not blank: many colours, and a good part of the page is not background. */
  private static void assertNotBlank(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    long background = 0;
    int bg = image.getRGB(2, 2) & 0xffffff;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb == bg) {
          background++;
        }
      }
    }
    long all = (long) (image.getHeight() / 2) * (image.getWidth() / 2);
    assertTrue(colours.size() > 200, "only " + colours.size() + " colours");
    assertTrue(background < all * 0.5, "mostly background: " + background + " of " + all);
  }

  /** At least a few pixels of the colour inside the chart's plotting area (inset by 2 px). */
  private static void assertColourIn(BufferedImage image, JsonNode chart, String what, String hex) {
    int want = Integer.parseInt(hex.substring(1), 16);
    int x0 = (int) Math.ceil(chart.path("x").asDouble()) + 2;
    int y0 = (int) Math.ceil(chart.path("y").asDouble()) + 2;
    int x1 = (int) Math.floor(chart.path("x").asDouble() + chart.path("w").asDouble()) - 2;
    int y1 = (int) Math.floor(chart.path("y").asDouble() + chart.path("h").asDouble()) - 2;
    int hits = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if (near(image.getRGB(x, y), want)) {
          hits++;
        }
      }
    }
    assertTrue(
        hits >= 12,
        what
            + " ("
            + hex
            + ") shows "
            + hits
            + " pixels in the plot at "
            + x0
            + ","
            + y0
            + "–"
            + x1
            + ","
            + y1
            + " (screenshot kept in target/html-report.png)");
  }

  private static boolean near(int rgb, int want) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs((rgb >> shift & 0xff) - (want >> shift & 0xff)) > 12) {
        return false;
      }
    }
    return true;
  }

  private JsonNode probe(String dom) throws IOException {
    Matcher m = Pattern.compile("<pre id=\"probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    if (!m.find()) {
      fail(
          "the probe wrote nothing; the DOM was:\n"
              + dom.substring(0, Math.min(dom.length(), 2000)));
    }
    String json = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    return new ObjectMapper().readTree(json);
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** Runs headless Chromium with a fresh profile; returns its standard output. */
  private String chromium(int height, String... args) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--user-data-dir=" + profile,
                "--window-size=" + WIDTH + "," + height));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Path err = Files.createTempFile(dir, "chromium", ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("chromium did not finish in 90 s: " + tail(err));
    }
    if (p.exitValue() != 0) {
      fail("chromium exited with " + p.exitValue() + ": " + tail(err));
    }
    return Files.readString(out);
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file);
    return s.substring(Math.max(0, s.length() - 3000));
  }
}
