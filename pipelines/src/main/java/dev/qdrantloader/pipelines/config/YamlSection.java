package dev.qdrantloader.pipelines.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping at a key path, read from SnakeYAML nodes so every problem keeps its line. Readers
 * substitute {@code ${VAR}} in scalars, record problems instead of throwing, and return null for an
 * absent key, a {@code null} value or a value that could not be read.
 */
final class YamlSection {
  /** Shared by every section of one file. */
  record Context(Problems problems, Function<String, String> variables, String variablesHint) {}

  private final Context context;
  private final String path;
  private final int line;
  private final Map<String, Node> values = new LinkedHashMap<>();
  private final Map<String, Integer> keyLines = new LinkedHashMap<>();

  private YamlSection(Context context, String path, int line) {
    this.context = context;
    this.path = path;
    this.line = line;
  }

  /** The document's top-level mapping; null or empty documents read as an empty mapping. */
  static YamlSection root(Node node, Context context, Set<String> knownKeys) {
    return of(node, context, "", 1, knownKeys);
  }

  private static YamlSection of(
      Node node, Context context, String path, int line, Set<String> knownKeys) {
    YamlSection section = new YamlSection(context, path, line(node, line));
    if (node == null || isNull(node)) {
      return section;
    }
    if (!(node instanceof MappingNode mapping)) {
      section.problemHere("expected a mapping of keys to values, got " + describe(node));
      return section;
    }
    for (NodeTuple tuple : mapping.getValue()) {
      Node keyNode = tuple.getKeyNode();
      int keyLine = line(keyNode, section.line);
      if (!(keyNode instanceof ScalarNode scalarKey)) {
        context.problems().add(keyLine, "keys must be plain names, got " + describe(keyNode));
        continue;
      }
      String key = scalarKey.getValue();
      if (section.values.containsKey(key)) {
        context
            .problems()
            .add(
                keyLine,
                "duplicate key `"
                    + key
                    + "` at "
                    + section.where()
                    + " (first at line "
                    + section.keyLines.get(key)
                    + ")");
        continue;
      }
      if (knownKeys != null && !knownKeys.contains(key)) {
        context.problems().add(keyLine, unknownKey(key, section.where(), knownKeys));
        continue;
      }
      section.values.put(key, tuple.getValueNode());
      section.keyLines.put(key, keyLine);
    }
    return section;
  }

  private static String unknownKey(String key, String where, Collection<String> known) {
    String suggestion = Suggestions.didYouMean(key, known);
    return "unknown key `"
        + key
        + "` at "
        + where
        + (suggestion.isEmpty() ? "; known keys: " + String.join(", ", known) : suggestion);
  }

  String path() {
    return path;
  }

  int line() {
    return line;
  }

  /** The keys present, in file order (for mappings whose keys are names, such as projects). */
  Set<String> keys() {
    return values.keySet();
  }

  boolean has(String key) {
    return values.containsKey(key) && !isNull(values.get(key));
  }

  String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The line of the key's value, or of this section when the key is absent. */
  int line(String key) {
    Node n = values.get(key);
    return n == null ? line : line(n, keyLines.get(key));
  }

  int keyLine(String key) {
    return keyLines.getOrDefault(key, line);
  }

  /** A nested mapping with a fixed set of keys; an empty section when absent. */
  YamlSection section(String key, Set<String> knownKeys) {
    return of(values.get(key), context, childPath(key), keyLine(key), knownKeys);
  }

  /** A nested mapping whose keys are names; an empty section when absent. */
  YamlSection names(String key) {
    return section(key, null);
  }

  String string(String key) {
    ScalarNode n = scalar(key, "a string");
    return n == null ? null : substitute(key, n);
  }

  /** A whole number; null when absent or unreadable. */
  Long number(String key) {
    ScalarNode n = scalar(key, "a number");
    String text = n == null ? null : substitute(key, n);
    if (text == null) {
      return null;
    }
    String digits = text.strip().replace("_", "");
    if (digits.matches("[+-]?\\d+")) {
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        problem(key, "number too large: " + text);
        return null;
      }
    }
    problem(
        key,
        (digits.matches("[+-]?\\d*\\.\\d+([eE][+-]?\\d+)?")
                ? "expected a whole number"
                : "expected a number")
            + ", got `"
            + text
            + "`");
    return null;
  }

  /** {@code true} or {@code false} (also yes/no, on/off); null when absent or unreadable. */
  Boolean bool(String key) {
    ScalarNode n = scalar(key, "true or false");
    String text = n == null ? null : substitute(key, n);
    if (text == null) {
      return null;
    }
    switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on":
        return true;
      case "false", "no", "off":
        return false;
      default:
        problem(key, "expected true or false, got `" + text + "`");
        return null;
    }
  }

  /** A list of strings; null when absent. */
  List<String> strings(String key) {
    Node n = values.get(key);
    if (n == null || isNull(n)) {
      return null;
    }
    if (!(n instanceof SequenceNode seq)) {
      problem(key, "expected a list of strings, such as [\"a\", \"b\"], got " + describe(n));
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      if (!(item instanceof ScalarNode s) || isNull(item)) {
        problem(key, "expected a list of strings, got an item that is " + describe(item));
        continue;
      }
      String text = substitute(key, s);
      if (text != null) {
        out.add(text);
      }
    }
    return out;
  }

  /** Records a problem with the value of {@code key}, at its line. */
  void problem(String key, String message) {
    context.problems().add(line(key), childPath(key) + ": " + message);
  }

  /** Records a problem with this section as a whole, at its line. */
  void problemHere(String message) {
    context.problems().add(line, where() + ": " + message);
  }

  /** Records a problem with a key itself (a bad name), at the key's line. */
  void keyProblem(String key, String message) {
    context.problems().add(keyLine(key), childPath(key) + ": " + message);
  }

  private String where() {
    return path.isEmpty() ? "the top level" : path;
  }

  private ScalarNode scalar(String key, String expected) {
    Node n = values.get(key);
    if (n == null || isNull(n)) {
      return null;
    }
    if (!(n instanceof ScalarNode s)) {
      problem(key, "expected " + expected + ", got " + describe(n));
      return null;
    }
    return s;
  }

  private String substitute(String key, ScalarNode node) {
    try {
      return Interpolation.resolve(node.getValue(), context.variables());
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      if (message.startsWith("unresolved")) {
        message += " (" + context.variablesHint() + ")";
      }
      context.problems().add(line(node, line), childPath(key) + ": " + message);
      return null;
    }
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
  }

  private static int line(Node n, int fallback) {
    return n == null || n.getStartMark() == null ? fallback : n.getStartMark().getLine() + 1;
  }

  private static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a mapping";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(n)) {
      return "null";
    }
    return "`" + ((ScalarNode) n).getValue() + "`";
  }
}
