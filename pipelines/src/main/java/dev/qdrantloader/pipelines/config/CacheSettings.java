package dev.qdrantloader.pipelines.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where computed vectors are kept ({@code global.embedding.cache}), for every provider.
 *
 * @param enabled whether the persistent cache on disk is used, so a later run reuses vectors of
 *     chunk texts it has seen (off by default)
 * @param path the persistent cache; absolute when read from a workspace (a relative path in the
 *     YAML resolves against the workspace); {@link #defaults()}, having no workspace, keeps {@link
 *     #DEFAULT_PATH} as given
 * @param maxMemoryMb the bound of the in-memory cache that embeds identical chunk texts of one run
 *     once, in MiB; 0 turns it off
 */
public record CacheSettings(boolean enabled, String path, int maxMemoryMb) implements Serializable {
  /** Relative to the workspace. */
  public static final String DEFAULT_PATH = ".qdrant-loader/embedding-cache";

  public static final int DEFAULT_MAX_MEMORY_MB = 256;

  public CacheSettings {
    Objects.requireNonNull(path, "path");
    if (path.isBlank()) {
      throw new IllegalArgumentException("cache path must not be blank");
    }
    if (maxMemoryMb < 0) {
      throw new IllegalArgumentException("max_memory_mb must not be negative, got " + maxMemoryMb);
    }
  }

  /** Persistent cache off at {@link #DEFAULT_PATH} in {@code workspace}, 256 MiB in memory. */
  public static CacheSettings defaults(Path workspace) {
    return new CacheSettings(
        false,
        workspace.resolve(DEFAULT_PATH).toAbsolutePath().normalize().toString(),
        DEFAULT_MAX_MEMORY_MB);
  }

  /** Persistent cache off, {@link #DEFAULT_PATH} unresolved, 256 MiB in memory. */
  public static CacheSettings defaults() {
    return new CacheSettings(false, DEFAULT_PATH, DEFAULT_MAX_MEMORY_MB);
  }
}
