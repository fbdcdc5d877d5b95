package dev.qdrantloader.runners.report;

/** Escaping for text and attribute values: every string from a run passes through here. */
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
}
