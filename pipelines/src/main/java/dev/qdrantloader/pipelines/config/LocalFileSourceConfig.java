package dev.qdrantloader.pipelines.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A tree of files read through Beam's file systems ({@code sources.localfile.<name>}).
 *
 * @param name the source's name, unique within its project
 * @param baseUrl an absolute local path (relative paths in the YAML are resolved against the
 *     workspace), a {@code file://} URL, or another Beam file system URL such as {@code
 *     gs://bucket/dir}, kept as given
 * @param includePaths globs relative to the base, such as {@code docs/**}; empty means every file
 * @param excludePaths globs relative to the base; a file matching one is skipped
 * @param fileTypes globs on the file name, such as {@code *.md}; empty means every type
 * @param maxFileSize larger files are skipped, in bytes
 */
public record LocalFileSourceConfig(
    String name,
    String baseUrl,
    List<String> includePaths,
    List<String> excludePaths,
    List<String> fileTypes,
    long maxFileSize)
    implements Serializable {
  /** The source type's key under {@code sources}. */
  public static final String TYPE = "localfile";

  public static final long DEFAULT_MAX_FILE_SIZE = 52_428_800L;

  public LocalFileSourceConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (name.isBlank() || baseUrl.isBlank()) {
      throw new IllegalArgumentException("name and baseUrl must not be blank");
    }
    if (maxFileSize < 1) {
      throw new IllegalArgumentException("maxFileSize must be positive, got " + maxFileSize);
    }
    includePaths = List.copyOf(includePaths);
    excludePaths = List.copyOf(excludePaths);
    fileTypes = List.copyOf(fileTypes);
  }
}
