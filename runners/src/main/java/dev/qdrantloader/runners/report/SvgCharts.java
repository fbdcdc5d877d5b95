package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.Html.attr;
import static dev.qdrantloader.runners.report.Html.esc;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: lines over time and horizontal bars, each with axes, tick
 * labels and units. They need no script: hovering shows the figures through SVG {@code <title>}s.
 *
 * <p>Every chart has {@code data-chart} and a {@code rect.plot} (the plotting area); every line or
 * bar carries {@code data-stage}, so tests find them in the markup and in the rendered page.
 */
final class SvgCharts {
  private SvgCharts() {}

  /** Full card width and half of it, in CSS pixels at a 1200 px window (the SVG scales). */
  static final int WIDE = 1078;

  static final int HALF = 508;

  private static final int LEFT = 62;
  private static final int RIGHT = 18;
  private static final int TOP = 14;
  private static final int BOTTOM = 46;

  /**
   * One line over the intervals of a chart.
   *
   * @param key what {@code data-stage} says (a stage name, or cpu/heap)
   * @param label the legend's text
   * @param color {@code #rrggbb}
   * @param unit the values' unit, for the tooltips
   * @param values one per interval; NaN leaves a gap
   */
  record Line(String key, String label, String color, String unit, double[] values) {}

  /** A dashed horizontal line at a value, such as a limit. */
  record Ref(String label, double value) {}

  /** How the y axis reads: its title and an optional fixed range. */
  record YAxis(String title, double fixedMin, double fixedMax) {
    static YAxis auto(String title) {
      return new YAxis(title, Double.NaN, Double.NaN);
    }
  }

  /**
   * A line chart over time.
   *
   * @param id the element id, also {@code data-chart}
   * @param caption what the chart shows, for screen readers
   * @param from each interval's start, seconds since the run started
   * @param to each interval's end; a line's point sits at the interval's middle
   * @param refs dashed horizontal lines (limits)
   */
  static String lines(
      String id,
      String caption,
      double[] from,
      double[] to,
      List<Line> lines,
      YAxis y,
      List<Ref> refs,
      int w) {
    int h = 300;
    double px = LEFT;
    double pw = w - LEFT - RIGHT;
    double py = TOP;
    double ph = h - TOP - BOTTOM;
    double tMax = to.length == 0 ? 1 : Math.max(to[to.length - 1], 1e-9);
    TimeUnit tu = TimeUnit.of(tMax);
    Scale ys = Scale.forValues(lines, y);

    StringBuilder s = open(id, caption, w, h);
    plot(s, px, py, pw, ph);
    for (double tick : ys.ticks) {
      double yy = py + ph - ys.fraction(tick) * ph;
      gridY(s, px, pw, yy, num(tick));
    }
    for (double tick : Scale.linear(0, tMax / tu.seconds, 8).ticks) {
      double xx = px + tick * tu.seconds / tMax * pw;
      if (xx <= px + pw + 0.5) {
        gridX(s, xx, py, ph, num(tick));
      }
    }
    axisTitles(s, px, pw, py, ph, h, "time since start (" + tu.symbol + ")", y.title + ys.note());

    for (int i = 0; i < refs.size(); i++) {
      // Labels alternate between the right and the left end, so close limits stay readable.
      Ref ref = refs.get(i);
      boolean right = i % 2 == 0;
      double yy = py + ph - ys.fraction(ref.value) * ph;
      s.append("<line class=\"ref\" stroke=\"#6b7280\" stroke-dasharray=\"6 4\"")
          .append(attr("x1", f1(px)))
          .append(attr("x2", f1(px + pw)))
          .append(attr("y1", f1(yy)))
          .append(attr("y2", f1(yy)))
          .append("/><text class=\"ref-label\" fill=\"#4b5563\"")
          .append(attr("text-anchor", right ? "end" : "start"))
          .append(attr("x", f1(right ? px + pw - 4 : px + 4)))
          .append(attr("y", f1(yy - 4)))
          .append('>')
          .append(esc(ref.label))
          .append("</text>\n");
    }
    for (Line line : lines) {
      s.append("<path class=\"series\"")
          .append(attr("data-stage", line.key))
          .append(attr("stroke", line.color))
          .append(" stroke-width=\"2.25\" fill=\"none\" stroke-linejoin=\"round\"")
          .append(" stroke-linecap=\"round\" d=\"");
      boolean pen = false;
      for (int i = 0; i < line.values.length; i++) {
        double v = line.values[i];
        if (!ys.shows(v)) {
          pen = false;
          continue;
        }
        double xx = px + (from[i] + to[i]) / 2 / tMax * pw;
        double yy = py + ph - ys.fraction(v) * ph;
        s.append(pen ? 'L' : 'M').append(f1(xx)).append(' ').append(f1(yy)).append(' ');
        if (!pen && (i + 1 == line.values.length || !ys.shows(line.values[i + 1]))) {
          s.append("h0 "); // a lone point: the round cap draws a dot
        }
        pen = true;
      }
      s.append("\"><title>").append(esc(line.label)).append("</title></path>\n");
    }

    // One transparent band per interval: hovering shows every line's figure there.
    s.append("<g class=\"hover\" fill=\"#111827\" fill-opacity=\"0\">");
    for (int i = 0; i < from.length; i++) {
      double x0 = px + from[i] / tMax * pw;
      double x1 = px + to[i] / tMax * pw;
      StringBuilder tip = new StringBuilder();
      tip.append(num(from[i])).append("–").append(num(to[i])).append(" s");
      for (Line line : lines) {
        double v = line.values[i];
        tip.append('\n')
            .append(line.key)
            .append(": ")
            .append(Double.isNaN(v) ? "–" : num(v) + " " + line.unit);
      }
      s.append("<rect")
          .append(attr("x", f1(x0)))
          .append(attr("y", f1(py)))
          .append(attr("width", f1(Math.max(x1 - x0, 0.5))))
          .append(attr("height", f1(ph)))
          .append("><title>")
          .append(esc(tip.toString()))
          .append("</title></rect>");
    }
    s.append("</g>\n");
    return s.append("</svg>").toString();
  }

  /**
   * One horizontal bar per stage.
   *
   * @param bars key, label, colour, value and the text printed beside the bar
   * @param unit the value axis's title
   */
  static String bars(String id, String caption, List<Bar> bars, String unit, int w) {
    int row = 28;
    int labelWidth = 96;
    int valueWidth = 110;
    int h = TOP + row * Math.max(bars.size(), 1) + BOTTOM;
    double px = labelWidth;
    double pw = w - labelWidth - valueWidth;
    double py = TOP;
    double ph = row * Math.max(bars.size(), 1);
    double max = 0;
    for (Bar b : bars) {
      max = Math.max(max, b.value);
    }
    Scale xs = Scale.linear(0, max > 0 ? max : 1, 6);

    StringBuilder s = open(id, caption, w, h);
    plot(s, px, py, pw, ph);
    for (double tick : xs.ticks) {
      gridX(s, px + xs.fraction(tick) * pw, py, ph, num(tick));
    }
    axisTitles(s, px, pw, py, ph, h, unit, null);
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double y0 = py + i * row + 6;
      // The smallest share still shows as a bar of its colour.
      double bw = Math.max(xs.fraction(b.value) * pw, b.value > 0 ? 3 : 0);
      s.append("<text class=\"label\" fill=\"#1f2937\" font-size=\"12\"")
          .append(attr("x", f1(px - 8)))
          .append(attr("y", f1(y0 + 8)))
          .append(" text-anchor=\"end\" dominant-baseline=\"middle\">")
          .append(esc(b.label))
          .append("</text>");
      s.append("<rect class=\"bar\"")
          .append(attr("data-stage", b.key))
          .append(attr("x", f1(px)))
          .append(attr("y", f1(y0)))
          .append(attr("width", f1(bw)))
          .append(" height=\"16\" rx=\"2\"")
          .append(attr("fill", b.color))
          .append("><title>")
          .append(esc(b.label + ": " + b.text))
          .append("</title></rect>");
      s.append("<text class=\"value\" fill=\"#374151\"")
          .append(attr("x", f1(px + bw + 6)))
          .append(attr("y", f1(y0 + 8)))
          .append(" dominant-baseline=\"middle\">")
          .append(esc(b.text))
          .append("</text>\n");
    }
    return s.append("</svg>").toString();
  }

  /** A bar: {@code text} is printed beside it. */
  record Bar(String key, String label, String color, double value, String text) {}

  /** The legend for a line chart, as HTML. */
  static String legend(List<Line> lines) {
    StringBuilder s = new StringBuilder("<ul class=\"legend\">");
    for (Line line : lines) {
      s.append("<li><span class=\"swatch\"")
          .append(attr("style", "background:" + line.color))
          .append("></span>")
          .append(esc(line.label))
          .append("</li>");
    }
    return s.append("</ul>").toString();
  }

  private static StringBuilder open(String id, String caption, int w, int h) {
    return new StringBuilder()
        .append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"")
        .append(attr("id", id))
        .append(attr("data-chart", id))
        .append(attr("viewBox", "0 0 " + w + " " + h))
        .append(attr("width", Integer.toString(w)))
        .append(attr("height", Integer.toString(h)))
        .append(" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\"")
        .append(attr("aria-label", caption))
        .append("><title>")
        .append(esc(caption))
        .append("</title>\n");
  }

  private static void plot(StringBuilder s, double x, double y, double w, double h) {
    s.append("<rect class=\"plot\"")
        .append(attr("x", f1(x)))
        .append(attr("y", f1(y)))
        .append(attr("width", f1(w)))
        .append(attr("height", f1(h)))
        .append(" fill=\"#ffffff\"/>\n");
  }

  private static void gridY(StringBuilder s, double x, double w, double y, String label) {
    s.append("<line class=\"grid\" stroke=\"#eceef1\"")
        .append(attr("x1", f1(x)))
        .append(attr("x2", f1(x + w)))
        .append(attr("y1", f1(y)))
        .append(attr("y2", f1(y)))
        .append("/><text class=\"tick\" fill=\"#6b7280\"")
        .append(attr("x", f1(x - 6)))
        .append(attr("y", f1(y)))
        .append(" text-anchor=\"end\" dominant-baseline=\"middle\">")
        .append(esc(label))
        .append("</text>\n");
  }

  private static void gridX(StringBuilder s, double x, double y, double h, String label) {
    s.append("<line class=\"grid\" stroke=\"#eceef1\"")
        .append(attr("x1", f1(x)))
        .append(attr("x2", f1(x)))
        .append(attr("y1", f1(y)))
        .append(attr("y2", f1(y + h)))
        .append("/><text class=\"tick\" fill=\"#6b7280\"")
        .append(attr("x", f1(x)))
        .append(attr("y", f1(y + h + 16)))
        .append(" text-anchor=\"middle\">")
        .append(esc(label))
        .append("</text>\n");
  }

  private static void axisTitles(
      StringBuilder s, double px, double pw, double py, double ph, int h, String x, String y) {
    s.append("<line class=\"axis\" stroke=\"#9ca3af\"")
        .append(attr("x1", f1(px)))
        .append(attr("x2", f1(px + pw)))
        .append(attr("y1", f1(py + ph)))
        .append(attr("y2", f1(py + ph)))
        .append("/>");
    s.append("<text class=\"axis-title\" fill=\"#4b5563\" font-size=\"12\"")
        .append(attr("x", f1(px + pw / 2)))
        .append(attr("y", f1(h - 8)))
        .append(" text-anchor=\"middle\">")
        .append(esc(x))
        .append("</text>\n");
    if (y != null) {
      s.append("<line class=\"axis\" stroke=\"#9ca3af\"")
          .append(attr("x1", f1(px)))
          .append(attr("x2", f1(px)))
          .append(attr("y1", f1(py)))
          .append(attr("y2", f1(py + ph)))
          .append("/>");
      double cy = py + ph / 2;
      s.append("<text class=\"axis-title\" fill=\"#4b5563\" font-size=\"12\"")
          .append(attr("transform", "translate(14 " + f1(cy) + ") rotate(-90)"))
          .append(" text-anchor=\"middle\">")
          .append(esc(y))
          .append("</text>\n");
    }
  }

  /** The unit the time axis counts in, so ticks stay round numbers. */
  private record TimeUnit(String symbol, double seconds) {
    static TimeUnit of(double maxSeconds) {
      if (maxSeconds <= 300) {
        return new TimeUnit("s", 1);
      }
      return maxSeconds <= 5 * 3600 ? new TimeUnit("min", 60) : new TimeUnit("h", 3600);
    }
  }

  /** A value axis: linear with round ticks, or logarithmic when values span two decades. */
  static final class Scale {
    final boolean log;
    final double min;
    final double max;
    final List<Double> ticks;

    private Scale(boolean log, double min, double max, List<Double> ticks) {
      this.log = log;
      this.min = min;
      this.max = max;
      this.ticks = ticks;
    }

    static Scale forValues(List<Line> lines, YAxis y) {
      if (!Double.isNaN(y.fixedMin)) {
        return linear(y.fixedMin, y.fixedMax, 6);
      }
      double lo = Double.POSITIVE_INFINITY;
      double hi = 0;
      for (Line line : lines) {
        for (double v : line.values) {
          if (v > 0 && !Double.isInfinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      if (hi == 0) {
        return linear(0, 1, 6);
      }
      return hi / lo >= 100 ? log(lo, hi) : linear(0, hi, 6);
    }

    static Scale linear(double lo, double hi, int count) {
      double step = niceStep((hi - lo) / Math.max(count - 1, 1));
      double start = Math.floor(lo / step) * step;
      double end = Math.ceil(hi / step - 1e-9) * step;
      if (end <= start) {
        end = start + step;
      }
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; start + i * step <= end + step * 1e-6; i++) {
        ticks.add(round(start + i * step));
      }
      return new Scale(false, start, end, ticks);
    }

    /** Decades; with 2 and 5 between them when the range is short. At most five decades. */
    static Scale log(double lo, double hi) {
      int top = (int) Math.ceil(Math.log10(hi) - 1e-9);
      int bottom = Math.max((int) Math.floor(Math.log10(lo) + 1e-9), top - 5);
      if (top == bottom) {
        top++;
      }
      List<Double> ticks = new ArrayList<>();
      for (int d = bottom; d <= top; d++) {
        double p = Math.pow(10, d);
        ticks.add(round(p));
        if (top - bottom <= 2 && d < top) {
          ticks.add(round(2 * p));
          ticks.add(round(5 * p));
        }
      }
      return new Scale(true, Math.pow(10, bottom), Math.pow(10, top), ticks);
    }

    /** Where the value sits between the axis's ends, 0..1 (clamped). */
    double fraction(double v) {
      double f =
          log
              ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
              : (v - min) / (max - min);
      return Math.max(0, Math.min(1, f));
    }

    /** Whether a value is drawn: NaN never; zero and less not on a log axis. */
    boolean shows(double v) {
      return !Double.isNaN(v) && (!log || v > 0);
    }

    String note() {
      return log ? " (log scale)" : "";
    }

    private static double niceStep(double raw) {
      if (raw <= 0 || Double.isNaN(raw)) {
        return 1;
      }
      double p = Math.pow(10, Math.floor(Math.log10(raw)));
      double m = raw / p;
      double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
      return nice * p;
    }

    private static double round(double v) {
      return new BigDecimal(v).round(new MathContext(10)).doubleValue();
    }
  }

  /** A number for a tick or a tooltip: 3 significant digits, k/M/G from ten thousand on. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1e9) {
      return sig(v / 1e9) + "G";
    }
    if (a >= 1e6) {
      return sig(v / 1e6) + "M";
    }
    if (a >= 1e4) {
      return sig(v / 1e3) + "k";
    }
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,d", Math.round(v));
    }
    return sig(v);
  }

  private static String sig(double v) {
    if (v == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
