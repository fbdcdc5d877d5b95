package dev.qdrantloader.io.localfile;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which files of a source are documents: include and exclude globs on the relative path,
 * file-type globs on the name, and files under hidden directories (a directory name starting with
 * ".", such as {@code .git} or the workspace's own {@code .qdrant-loader}) left out. Hidden files
 * themselves are documents like any other (tldr has a page named {@code ..md}).
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
      // "**/x" also means "x" at the top (Java's glob wants at least one directory for "**/").
      String rest = g;
      while (rest.startsWith("**/")) {
        rest = rest.substring(3);
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + rest));
      }
    }
    return out;
  }

  boolean accepts(String relativePath) {
    if (relativePath.isEmpty()) {
      return false;
    }
    String[] segments = relativePath.split("/");
    for (int i = 0; i < segments.length - 1; i++) {
      if (segments[i].startsWith(".")) {
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
