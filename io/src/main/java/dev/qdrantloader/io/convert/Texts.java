package dev.qdrantloader.io.convert;

/** Whitespace normalisation and Markdown titles. */
final class Texts {
  /** Space, tab, form feed, vertical tab and the Unicode spaces extractors emit. */
  private static final String BLANKS = " \t\f\u000b\u00a0\u2007\u202f\u200b\u3000";

  private Texts() {}

  /**
   * Line breaks become {@code \n}; trailing whitespace goes from every line; runs of blank lines
   * collapse to one blank line; leading blank lines and trailing whitespace of the whole text go.
   * Indentation is kept (code and Markdown depend on it).
   */
  static String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int blankLines = 0;
    int i = 0;
    int n = text.length();
    while (i <= n) {
      int end = i;
      while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      int trimmed = end;
      while (trimmed > i && isBlank(text.charAt(trimmed - 1))) {
        trimmed--;
      }
      if (trimmed == i) {
        blankLines++;
      } else {
        if (out.length() > 0) {
          out.append(blankLines > 0 ? "\n\n" : "\n");
        }
        out.append(text, i, trimmed);
        blankLines = 0;
      }
      if (end < n && text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n') {
        end++;
      }
      i = end + 1;
    }
    return out.toString();
  }

  /**
   * The text of the first level-one ATX heading ({@code # Title}) outside fenced code blocks and
   * front matter, or null when there is none.
   */
  static String markdownTitle(String markdown) {
    String[] lines = markdown.split("\n", -1);
    int start = 0;
    if (lines.length > 0 && lines[0].strip().equals("---")) {
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].strip().equals("---") || lines[i].strip().equals("...")) {
          start = i + 1;
          break;
        }
      }
    }
    String fence = null;
    for (int i = start; i < lines.length; i++) {
      String line = lines[i];
      String stripped = line.stripLeading();
      boolean indentedLessThanCode = line.length() - stripped.length() <= 3;
      if (fence != null) {
        if (stripped.startsWith(fence)) {
          fence = null;
        }
      } else if (indentedLessThanCode
          && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
        fence = stripped.substring(0, 3);
      } else if (indentedLessThanCode && (stripped.startsWith("# ") || stripped.equals("#"))) {
        String title = stripped.substring(1).strip().replaceFirst("\\s+#+$", "");
        if (title.matches("#+")) {
          title = "";
        }
        if (!title.isEmpty()) {
          return title;
        }
      }
    }
    return null;
  }

  private static boolean isBlank(char c) {
    return BLANKS.indexOf(c) >= 0;
  }
}
