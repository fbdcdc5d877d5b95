package dev.qdrantloader.pipelines.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A workspace configuration that cannot be used, with every problem found. The message always names
 * the file, and where they apply the line and the key path, so a user can fix the file without
 * reading code. It has one line per problem when there are several.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  // A string, so the exception stays serializable.
  private final String file;
  private final List<String> problems;

  /** One problem with no line to point at (a missing file, a filter that matches nothing). */
  public ConfigException(Path file, String problem) {
    this(file, List.of(new Problem(0, 0, problem)), null);
  }

  ConfigException(Path file, List<Problem> problems, Throwable cause) {
    super(message(file, problems), cause);
    this.file = Objects.requireNonNull(file, "file").toString();
    this.problems = problems.stream().map(Problem::toString).toList();
  }

  /** The file at fault: {@code config.yaml} or {@code .env} of the workspace. */
  public Path file() {
    return Path.of(file);
  }

  /** Each problem, as {@code line 12: ...} when it has a line. */
  public List<String> problems() {
    return problems;
  }

  private static String message(Path file, List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one problem");
    }
    if (problems.size() == 1) {
      Problem p = problems.get(0);
      return file + (p.line() > 0 ? " " : ": ") + p;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(" has ").append(problems.size()).append(" problems:");
    for (Problem p : problems) {
      sb.append("\n  ").append(p.toString().replace("\n", "\n  "));
    }
    return sb.toString();
  }
}
