package dev.qdrantloader.pipelines.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a workspace's {@code .env}: {@code KEY=VALUE} lines, {@code #} comments, an optional {@code
 * export } prefix, values optionally in single quotes (literal) or double quotes ({@code \n},
 * {@code \t}, {@code \"} and {@code \\} escapes). Values are not expanded: {@code ${X}} in a value
 * stays as written.
 */
final class DotEnv {
  private DotEnv() {}

  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  /** The variables in {@code file}, or none when it does not exist. */
  static Map<String, String> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(file, lines);
  }

  static Map<String, String> parse(Path file, List<String> lines) {
    Problems problems = new Problems(file);
    Map<String, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int eq = line.indexOf('=');
      String key = eq < 0 ? line : line.substring(0, eq).strip();
      if (eq < 0 || !KEY.matcher(key).matches()) {
        problems.add(i + 1, "expected KEY=VALUE with KEY made of letters, digits and `_`");
        continue;
      }
      try {
        vars.put(key, value(line.substring(eq + 1).strip()));
      } catch (IllegalArgumentException e) {
        problems.add(i + 1, key + ": " + e.getMessage());
      }
    }
    problems.throwIfAny();
    return vars;
  }

  private static String value(String raw) {
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      if (end < 0) {
        throw new IllegalArgumentException("unterminated single quote");
      }
      checkRest(raw.substring(end + 1));
      return raw.substring(1, end);
    }
    if (raw.startsWith("\"")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          checkRest(raw.substring(i + 1));
          return sb.toString();
        }
        if (c == '\\' && i + 1 < raw.length()) {
          char next = raw.charAt(++i);
          sb.append(
              switch (next) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> next;
              });
        } else {
          sb.append(c);
        }
      }
      throw new IllegalArgumentException("unterminated double quote");
    }
    // Unquoted: a `#` after whitespace starts a comment, as in python-dotenv.
    int comment = -1;
    for (int i = 1; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && Character.isWhitespace(raw.charAt(i - 1))) {
        comment = i;
        break;
      }
    }
    return (comment < 0 ? raw : raw.substring(0, comment)).strip();
  }

  private static void checkRest(String rest) {
    String r = rest.strip();
    if (!r.isEmpty() && !r.startsWith("#")) {
      throw new IllegalArgumentException("unexpected text after the closing quote: `" + r + "`");
    }
  }
}
