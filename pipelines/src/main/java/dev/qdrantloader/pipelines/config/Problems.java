package dev.qdrantloader.pipelines.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while a file is read, so the user sees all of them at once. */
final class Problems {
  private final Path file;
  private final List<Problem> list = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  void add(int line, String text) {
    list.add(new Problem(line, 0, text));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** Throws a {@link ConfigException} listing every problem in file order, if there is any. */
  void throwIfAny() {
    if (!list.isEmpty()) {
      List<Problem> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparingInt(Problem::line));
      throw new ConfigException(file, sorted, null);
    }
  }
}
