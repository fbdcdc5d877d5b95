package dev.qdrantloader.io.embedding.cache;

import dev.qdrantloader.transforms.embed.VectorCacheFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Serializable recipe for a {@link MvStoreVectorCache}: the cache directory (a local path on the
 * machine that runs the pipeline; each worker of a distributed runner keeps its own file) and the
 * optional bound on its entries.
 */
public final class MvStoreVectorCacheFactory implements VectorCacheFactory {
  private static final long serialVersionUID = 1L;

  private final String directory;
  private final long maxEntries;

  /** A cache in {@code directory} without a bound on its size. */
  public MvStoreVectorCacheFactory(String directory) {
    this(directory, 0);
  }

  /**
   * @param directory the directory holding {@value MvStoreVectorCache#FILE_NAME}, created if
   *     missing
   * @param maxEntries the most vectors the file keeps, 0 for no bound
   */
  public MvStoreVectorCacheFactory(String directory, long maxEntries) {
    if (directory == null || directory.isBlank()) {
      throw new IllegalArgumentException("directory must be a non-blank path, was " + directory);
    }
    try {
      Path.of(directory);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("directory is not a usable path: " + directory, e);
    }
    if (maxEntries < 0) {
      throw new IllegalArgumentException(
          "maxEntries must be 0 (no bound) or more, was " + maxEntries);
    }
    this.directory = directory;
    this.maxEntries = maxEntries;
  }

  public String directory() {
    return directory;
  }

  public long maxEntries() {
    return maxEntries;
  }

  /**
   * A handle on this JVM's shared store of the directory's cache file; close it when done. Check
   * {@link MvStoreVectorCache#available()}: a file that cannot be used gives a cache that answers
   * null rather than an exception.
   */
  @Override
  public MvStoreVectorCache open() {
    return MvStoreVectorCache.open(Path.of(directory), maxEntries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MvStoreVectorCacheFactory other
        && directory.equals(other.directory)
        && maxEntries == other.maxEntries;
  }

  @Override
  public int hashCode() {
    return 31 * directory.hashCode() + Long.hashCode(maxEntries);
  }

  @Override
  public String toString() {
    return "MvStoreVectorCacheFactory[" + directory + ", maxEntries=" + maxEntries + "]";
  }
}
