package dev.qdrantloader.io.localfile;

import java.io.Serializable;
import java.util.List;

/**
 * One {@code localfile} source: a base location (a local directory, {@code file://} URL, or any
 * Beam filesystem such as {@code gs://bucket/dir}) and the filters applied under it.
 *
 * @param projectId project the source belongs to
 * @param source the source's name
 * @param baseUrl base location
 * @param includePaths globs relative to the base (empty = everything)
 * @param excludePaths globs relative to the base
 * @param fileTypes globs on the file name, e.g. {@code *.md} (empty = every type)
 * @param maxFileSize larger files are reported, not read
 */
public record LocalFileSpec(
    String projectId,
    String source,
    String baseUrl,
    List<String> includePaths,
    List<String> excludePaths,
    List<String> fileTypes,
    long maxFileSize)
    implements Serializable {
  /** The source type of files read by {@link ReadDocuments}. */
  public static final String SOURCE_TYPE = "localfile";

  public LocalFileSpec {
    includePaths = List.copyOf(includePaths);
    excludePaths = List.copyOf(excludePaths);
    fileTypes = List.copyOf(fileTypes);
  }

  /** The base as Beam names it, without a trailing slash ({@code file://} becomes a plain path). */
  public String normalizedBase() {
    String b = baseUrl;
    if (b.startsWith("file://")) {
      b = b.substring("file://".length());
    }
    while (b.length() > 1 && b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return b;
  }
}
