package dev.qdrantloader.io.embedding.cache;

import dev.qdrantloader.transforms.embed.VectorCache;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link VectorCache} kept on local disk in an H2 MVStore file, {@value #FILE_NAME} in the
 * directory given (for instance {@code <workspace>/.qdrant-loader/embedding-cache}): keys as the
 * caller makes them, each vector as its float32 components, little-endian.
 *
 * <p>A file is opened once per JVM (MVStore allows one writer per file, and locks it against other
 * processes); every {@link #open} of it returns a handle on that one store, and the last handle's
 * {@link #close} closes the file. A shutdown hook closes whatever is still open when the JVM exits.
 * Handles are thread-safe.
 *
 * <p>The cache never fails a run. When the file cannot be used (it is corrupt, locked by another
 * process, not writable) or a read or write fails later, the cache stops serving: {@link #get}
 * answers null and {@link #put} stores nothing, and both are counted in {@link #stats()}; {@link
 * #available()} turns false and {@link #problem()} says why, for the CLI to print.
 *
 * <p>Size: the file grows by about {@code 4 * dimensions} bytes plus the key per vector (some 6 KB
 * for 1536 dimensions, so 100,000 vectors take about 600 MB); MVStore reuses the space of
 * overwritten pages but never shrinks below what is stored. {@code maxEntries} bounds it: once the
 * cache holds that many vectors, new ones are not stored (nothing is evicted). To empty the cache,
 * delete the file while no run is using it.
 */
public final class MvStoreVectorCache implements VectorCache {
  /** The name of the cache file inside the directory given. */
  public static final String FILE_NAME = "vectors.mv";

  /**
   * What a cache counted since its file was opened in this JVM, over all handles.
   *
   * @param hits lookups that found a vector
   * @param misses lookups that found none
   * @param unserved lookups answered null because the cache was not available
   * @param puts vectors stored
   * @param dropped vectors not stored: the cache was not available or full
   */
  public record Stats(long hits, long misses, long unserved, long puts, long dropped) {}

  private static final Map<Path, StoreFile> OPEN = new HashMap<>();
  private static boolean hookInstalled;

  private final StoreFile store;
  private final long maxEntries;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MvStoreVectorCache(StoreFile store, long maxEntries) {
    this.store = store;
    this.maxEntries = maxEntries;
  }

  /** A handle on the cache in {@code directory}, without a bound on its size. */
  public static MvStoreVectorCache open(Path directory) {
    return open(directory, 0);
  }

  /**
   * A handle on the cache in {@code directory}, created with its directories when missing. Never
   * fails because of the file itself: see {@link #available()}.
   *
   * @param maxEntries the most vectors the file keeps, 0 for no bound
   */
  public static MvStoreVectorCache open(Path directory, long maxEntries) {
    Objects.requireNonNull(directory, "directory must not be null");
    if (maxEntries < 0) {
      throw new IllegalArgumentException(
          "maxEntries must be 0 (no bound) or more, was " + maxEntries);
    }
    Path file;
    try {
      file = directory.resolve(FILE_NAME).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("directory is not a usable path: " + directory, e);
    }
    synchronized (OPEN) {
      if (!hookInstalled) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(MvStoreVectorCache::closeAll, "vector-cache-close"));
        hookInstalled = true;
      }
      StoreFile store = OPEN.computeIfAbsent(file, StoreFile::open);
      store.handles++;
      return new MvStoreVectorCache(store, maxEntries);
    }
  }

  /** Closes every cache file still open in this JVM; handles on them then answer null. */
  static void closeAll() {
    synchronized (OPEN) {
      for (StoreFile store : OPEN.values()) {
        store.close();
      }
      OPEN.clear();
    }
  }

  @Override
  public float[] get(String key) {
    Objects.requireNonNull(key, "key must not be null");
    checkOpen();
    return store.get(key);
  }

  @Override
  public void put(String key, float[] vector) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(vector, "vector must not be null");
    if (vector.length == 0) {
      throw new IllegalArgumentException("vector must not be empty (key " + key + ")");
    }
    checkOpen();
    store.put(key, vector, maxEntries);
  }

  /** Commits what was put to the file. */
  @Override
  public void flush() {
    checkOpen();
    store.flush();
  }

  /**
   * Flushes and releases this handle; the last handle on a file closes it, and a later {@link
   * #open} opens it anew. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (OPEN) {
      store.handles--;
      if (store.handles > 0) {
        store.flush();
        return;
      }
      OPEN.remove(store.file, store);
      // Inside the lock, so that an open of the same file waits until it is released.
      store.close();
    }
  }

  /** Whether the cache serves lookups and keeps vectors; false once it hit a {@link #problem()}. */
  public boolean available() {
    return store.available();
  }

  /** Why the cache is not available, as a sentence for the user; null while it is. */
  public String problem() {
    return store.problem();
  }

  /** The cache file. */
  public Path file() {
    return store.file;
  }

  /** Vectors in the file; 0 when the cache is not available. */
  public long entries() {
    return store.entries();
  }

  public Stats stats() {
    return new Stats(
        store.hits.get(),
        store.misses.get(),
        store.unserved.get(),
        store.puts.get(),
        store.dropped.get());
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException(
          "this handle on the vector cache " + store.file + " is closed");
    }
  }
}
