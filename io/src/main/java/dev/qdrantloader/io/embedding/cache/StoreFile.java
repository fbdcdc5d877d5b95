package dev.qdrantloader.io.embedding.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * One cache file, opened once in this JVM and shared by every {@link MvStoreVectorCache} handle on
 * it. Once anything goes wrong (the file cannot be opened, a read or write throws) it stops serving
 * and remembers why: lookups answer null and puts are dropped, so the run goes on by embedding.
 */
final class StoreFile {
  private static final String VECTORS = "vectors";
  private static final String INFO = "info";
  private static final String FORMAT_KEY = "format";

  /** Values are the vector's float32 components, little-endian, nothing else. */
  static final String FORMAT = "float32-le/1";

  final Path file;
  private final MVStore store;
  private final MVMap<String, byte[]> vectors;
  private volatile String problem;

  /** Handles open on this file; guarded by {@link MvStoreVectorCache}'s registry lock. */
  int handles;

  final AtomicLong hits = new AtomicLong();
  final AtomicLong misses = new AtomicLong();
  final AtomicLong unserved = new AtomicLong();
  final AtomicLong puts = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  private StoreFile(Path file, MVStore store, MVMap<String, byte[]> vectors, String problem) {
    this.file = file;
    this.store = store;
    this.vectors = vectors;
    this.problem = problem;
  }

  /** Opens {@code file}, creating it and its directories; never throws. */
  static StoreFile open(Path file) {
    MVStore store = null;
    try {
      Files.createDirectories(file.getParent());
      StoreFile[] self = new StoreFile[1];
      store =
          new MVStore.Builder()
              .fileName(file.toString())
              // A failed background commit must stop the cache, not go unnoticed.
              .backgroundExceptionHandler(
                  (thread, e) -> {
                    if (self[0] != null) {
                      self[0].fail("writing failed", e);
                    }
                  })
              .open();
      MVMap<String, String> info = store.openMap(INFO);
      String format = info.get(FORMAT_KEY);
      if (format == null) {
        info.put(FORMAT_KEY, FORMAT);
      } else if (!format.equals(FORMAT)) {
        store.closeImmediately();
        return unavailable(
            file,
            "it holds vectors in format "
                + format
                + " and this version reads "
                + FORMAT
                + "; delete the file to start a new cache");
      }
      MVMap<String, byte[]> vectors =
          store.openMap(
              VECTORS,
              new MVMap.Builder<String, byte[]>()
                  .keyType(StringDataType.INSTANCE)
                  .valueType(ByteArrayDataType.INSTANCE));
      self[0] = new StoreFile(file, store, vectors, null);
      return self[0];
    } catch (IOException | RuntimeException e) {
      if (store != null) {
        store.closeImmediately();
      }
      return unavailable(file, reason(e));
    }
  }

  private static StoreFile unavailable(Path file, String reason) {
    return new StoreFile(file, null, null, message(file, reason));
  }

  private static String message(Path file, String reason) {
    return "the vector cache "
        + file
        + " is not used in this run, vectors are computed as if it were empty: "
        + reason
        + ".";
  }

  private static String reason(Throwable e) {
    if (e instanceof MVStoreException m && m.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
      return "it is locked by another process (another run on the same workspace?) and is used"
          + " again once that process ends";
    }
    if (e instanceof MVStoreException m && m.getErrorCode() == DataUtils.ERROR_FILE_CORRUPT) {
      return "it is corrupt ("
          + m.getMessage()
          + "); delete the file to start a new cache once no other run uses it";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Stops serving for the rest of the run; the first problem is the one reported. */
  private void fail(String what, Throwable e) {
    stop(what + ": " + reason(e));
  }

  private synchronized void stop(String reason) {
    if (problem == null) {
      problem = message(file, reason);
    }
  }

  boolean available() {
    return problem == null;
  }

  String problem() {
    return problem;
  }

  float[] get(String key) {
    if (problem != null) {
      unserved.incrementAndGet();
      return null;
    }
    byte[] bytes;
    try {
      bytes = vectors.get(key);
    } catch (RuntimeException e) {
      fail("reading failed", e);
      unserved.incrementAndGet();
      return null;
    }
    float[] vector = bytes == null ? null : decode(bytes);
    (vector == null ? misses : hits).incrementAndGet();
    return vector;
  }

  void put(String key, float[] vector, long maxEntries) {
    if (problem != null) {
      dropped.incrementAndGet();
      return;
    }
    try {
      // Full: keep what is there. A few racing puts may pass the bound by as many entries.
      if (maxEntries > 0 && vectors.sizeAsLong() >= maxEntries && !vectors.containsKey(key)) {
        dropped.incrementAndGet();
        return;
      }
      vectors.put(key, encode(vector));
      puts.incrementAndGet();
    } catch (RuntimeException e) {
      fail("writing failed", e);
      dropped.incrementAndGet();
    }
  }

  long entries() {
    if (problem != null) {
      return 0;
    }
    try {
      return vectors.sizeAsLong();
    } catch (RuntimeException e) {
      fail("reading failed", e);
      return 0;
    }
  }

  void flush() {
    if (problem != null) {
      return;
    }
    try {
      store.commit();
    } catch (RuntimeException e) {
      fail("writing failed", e);
    }
  }

  /**
   * Commits and closes the file; a store that failed is closed without writing more. Handles still
   * held (the shutdown hook closed it under them) are then answered as if it were unavailable.
   */
  void close() {
    if (store == null || store.isClosed()) {
      return;
    }
    try {
      if (problem == null) {
        store.close();
      } else {
        store.closeImmediately();
      }
    } catch (RuntimeException e) {
      fail("closing failed", e);
      store.closeImmediately();
    }
    stop("it was closed as the JVM shut down");
  }

  static byte[] encode(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * vector.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : vector) {
      bytes.putInt(Float.floatToRawIntBits(f));
    }
    return bytes.array();
  }

  /** The vector, or null when the bytes cannot be one (never written by this format). */
  static float[] decode(byte[] bytes) {
    if (bytes.length == 0 || bytes.length % 4 != 0) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] vector = new float[bytes.length / 4];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = Float.intBitsToFloat(buffer.getInt());
    }
    return vector;
  }
}
