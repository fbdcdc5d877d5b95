package dev.qdrantloader.runners.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Escaping for text and attribute values (every string from a run passes through here), and the
 * small pieces every section of the report uses.
 */
final class Html {
  private Html() {}

  /** Text safe in element content and in double-quoted attribute values. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // Control characters other than tab and newline are not allowed in HTML text.
          if (c < 0x20 && c != '\n' && c != '\t') {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  /** {@code name="value"}, with a leading space and the value escaped. */
  static String attr(String name, String value) {
    return " " + name + "=\"" + esc(value) + "\"";
  }

  /** A section with its heading; the caller closes it. */
  static void section(StringBuilder h, String id, String title) {
    h.append("<section")
        .append(attr("id", id))
        .append(">\n<h2>")
        .append(esc(title))
        .append("</h2>\n");
  }

  /** What an empty section or chart says instead of vanishing. */
  static void none(StringBuilder h, String text) {
    h.append("<p class=\"empty\">").append(esc(text)).append("</p>\n");
  }

  static String count(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  static String fixed(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }

  static <T> List<T> orEmpty(List<T> l) {
    return l == null ? List.of() : l;
  }
}
