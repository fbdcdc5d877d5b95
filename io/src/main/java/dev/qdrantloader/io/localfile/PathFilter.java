package dev.qdrantloader.io.localfile;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which files of a source are documents: include and exclude globs on the relative path,
 * file-type globs on the name, and hidden files or directories (a segment starting with ".", such
 * as {@code .git} or the workspace's own {@code .qdrant-loader}) left out.
 */
final class PathFilter {
  private final List<PathMatcher> include;
  private final List<PathMatcher> exclude;
  private final List<PathMatcher> types;

  PathFilter(LocalFileSpec spec) {
    this.include = matchers(spec.includePaths());
    this.exclude = matchers(spec.excludePaths());
    this.types = matchers(spec.fileTypes());
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> out = new ArrayList<>();
    for (String g : globs) {
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    return out;
  }

  boolean accepts(String relativePath) {
    if (relativePath.isEmpty()) {
      return false;
    }
    for (String segment : relativePath.split("/")) {
      if (segment.startsWith(".")) {
        return false;
      }
    }
    Path rel = Paths.get(relativePath);
    Path name = rel.getFileName();
    if (!include.isEmpty() && include.stream().noneMatch(m -> matchesPathOrPrefix(m, rel))) {
      return false;
    }
    if (exclude.stream().anyMatch(m -> matchesPathOrPrefix(m, rel))) {
      return false;
    }
    return types.isEmpty() || types.stream().anyMatch(m -> m.matches(name));
  }

  /** "docs/**" should also take "docs/a.md"; "docs" alone names the directory and all below. */
  private static boolean matchesPathOrPrefix(PathMatcher m, Path rel) {
    for (Path p = rel; p != null; p = p.getParent()) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }
}
