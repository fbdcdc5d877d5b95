package dev.qdrantloader.io.embedding.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk vector cache: exact vectors, persistence, sharing, bounds, and unusable files. */
class MvStoreVectorCacheTest {
  @TempDir Path dir;

  private static void assertBitsEqual(float[] expected, float[] actual) {
    assertNotNull(actual);
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "index " + i);
    }
  }

  private static float[] vector(Random random, int dimensions) {
    float[] v = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  @Test
  void roundTripsExactFloats() {
    float[] v = {
      0.1f,
      -0.0f,
      0.0f,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      1e-38f,
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      (float) Math.PI
    };
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertTrue(cache.available());
      assertNull(cache.problem());
      cache.put("k", v);
      assertBitsEqual(v, cache.get("k"));
      assertNull(cache.get("absent"));
      assertEquals(new MvStoreVectorCache.Stats(1, 1, 0, 1, 0), cache.stats());
      assertEquals(1, cache.entries());
      assertEquals(dir.resolve("vectors.mv").toAbsolutePath(), cache.file());
    }
  }

  @Test
  void storesFourBytesPerComponentLittleEndian() {
    byte[] bytes = StoreFile.encode(new float[] {1.0f});
    // 1.0f is 0x3F800000.
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, bytes);
    assertNull(StoreFile.decode(new byte[] {1, 2, 3}), "not a whole number of floats");
  }

  @Test
  void persistsAcrossCloseAndReopen() {
    float[] v = vector(new Random(1), 1536);
    MvStoreVectorCache first = MvStoreVectorCache.open(dir.resolve("nested/cache"));
    first.put("key", v);
    first.close();
    assertTrue(Files.isRegularFile(dir.resolve("nested/cache/vectors.mv")));

    try (MvStoreVectorCache second = MvStoreVectorCache.open(dir.resolve("nested/cache"))) {
      // A new store: its counts start again, and the vector comes from the file.
      assertEquals(0, second.stats().puts());
      assertBitsEqual(v, second.get("key"));
    }
  }

  @Test
  void handlesOnOneFileShareOneStoreUntilTheLastCloses() {
    MvStoreVectorCache a = MvStoreVectorCache.open(dir);
    MvStoreVectorCache b = MvStoreVectorCache.open(dir);
    a.put("k", new float[] {1, 2});
    // Seen through the other handle before any flush: one store, not two copies of the file.
    assertBitsEqual(new float[] {1, 2}, b.get("k"));
    a.close();
    a.close(); // closing twice does nothing
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.get("k"));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertBitsEqual(new float[] {1, 2}, b.get("k"));
    b.put("k2", new float[] {3});
    b.close();
    try (MvStoreVectorCache c = MvStoreVectorCache.open(dir)) {
      assertBitsEqual(new float[] {3}, c.get("k2"));
    }
  }

  @Test
  void concurrentPutsFromSeveralThreadsAreAllKept() throws Exception {
    int threads = 8;
    int perThread = 400;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  // Each thread has its own handle, as each DoFn instance would.
                  try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
                    start.await();
                    Random random = new Random(thread);
                    for (int i = 0; i < perThread; i++) {
                      cache.put(thread + "/" + i, vector(random, 64));
                      // Every thread also writes the same shared keys.
                      cache.put("shared/" + (i % 10), new float[] {i % 10});
                      assertNotNull(cache.get(thread + "/" + i));
                    }
                    cache.flush();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertEquals(threads * perThread + 10, cache.entries());
      for (int t = 0; t < threads; t++) {
        Random random = new Random(t);
        for (int i = 0; i < perThread; i++) {
          assertBitsEqual(vector(random, 64), cache.get(t + "/" + i));
        }
      }
      assertBitsEqual(new float[] {7}, cache.get("shared/7"));
    }
  }

  @Test
  void corruptFileLeavesTheCacheUnavailableWithoutFailing() throws Exception {
    Path file = dir.resolve("vectors.mv");
    byte[] garbage = new byte[64 * 1024];
    new Random(9).nextBytes(garbage);
    Files.write(file, garbage);

    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertFalse(cache.available());
      assertTrue(cache.problem().contains(file.toString()), cache.problem());
      assertTrue(cache.problem().contains("corrupt"), cache.problem());
      assertTrue(cache.problem().contains("delete the file"), cache.problem());
      cache.put("k", new float[] {1});
      assertNull(cache.get("k"));
      assertEquals(0, cache.entries());
      assertEquals(new MvStoreVectorCache.Stats(0, 0, 1, 0, 1), cache.stats());
      cache.flush();
    }
    // The user's file is left as it was, for them to inspect or delete.
    assertArrayEquals(garbage, Files.readAllBytes(file));
  }

  @Test
  void textInPlaceOfTheStoreIsAlsoUnavailable() throws Exception {
    Files.writeString(dir.resolve("vectors.mv"), "not a store\n");
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertFalse(cache.available());
      assertNull(cache.get("k"));
    }
  }

  @Test
  void truncatedFileNeverGivesAWrongVector() throws Exception {
    // As after a crash mid-write: whatever MVStore recovers must be exact, or nothing.
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      Random random = new Random(11);
      for (int i = 0; i < 2_000; i++) {
        cache.put("k" + i, vector(random, 128));
        if (i % 500 == 499) {
          cache.flush();
        }
      }
    }
    Path file = dir.resolve("vectors.mv");
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      Random random = new Random(11);
      for (int i = 0; i < 2_000; i++) {
        float[] expected = vector(random, 128);
        float[] actual = cache.get("k" + i);
        if (actual != null) {
          assertBitsEqual(expected, actual);
        }
      }
      if (!cache.available()) {
        assertNotNull(cache.problem());
      }
    }
  }

  @Test
  void fileOfAnotherFormatIsUnavailable() {
    MVStore other = new MVStore.Builder().fileName(dir.resolve("vectors.mv").toString()).open();
    other.<String, String>openMap("info").put("format", "float16-le/2");
    other.close();
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertFalse(cache.available());
      assertTrue(cache.problem().contains("float16-le/2"), cache.problem());
      assertNull(cache.get("k"));
    }
  }

  @Test
  void fileLockedByAnotherStoreInThisJvmIsUnavailableUntilReleased() {
    Path file = dir.resolve("vectors.mv");
    // Opened behind the registry's back, as another library in this JVM might.
    MVStore other = new MVStore.Builder().fileName(file.toString()).open();
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertFalse(cache.available());
      assertTrue(cache.problem().contains("locked"), cache.problem());
      cache.put("k", new float[] {1});
      assertNull(cache.get("k"));
    } finally {
      other.close();
    }
    // Once every handle on the failed store is closed, the next open tries the file again.
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertTrue(cache.available(), cache.problem());
    }
  }

  @Test
  void fileLockedByAnotherProcessIsUnavailable() throws Exception {
    Path file = dir.resolve("vectors.mv");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
        assertFalse(cache.available());
        assertTrue(cache.problem().contains("locked"), cache.problem());
        assertNull(cache.get("k"));
      }
    } finally {
      holder.getOutputStream().close();
      if (!holder.waitFor(30, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    }
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      assertTrue(cache.available(), cache.problem());
    }
  }

  @Test
  void maxEntriesStopsStoringNewVectors() {
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir, 3)) {
      for (int i = 0; i < 5; i++) {
        cache.put("k" + i, new float[] {i});
      }
      assertEquals(3, cache.entries());
      assertNull(cache.get("k4"));
      // A key already there may still be written.
      cache.put("k0", new float[] {9});
      assertBitsEqual(new float[] {9}, cache.get("k0"));
      assertEquals(2, cache.stats().dropped());
    }
  }

  @Test
  void closingEveryStoreAsAtShutdownKeepsWhatWasPut() {
    MvStoreVectorCache cache = MvStoreVectorCache.open(dir);
    cache.put("k", new float[] {4, 2});
    MvStoreVectorCache.closeAll();
    // A handle still held after the hook ran answers null instead of failing.
    assertNull(cache.get("k"));
    assertFalse(cache.available());
    cache.close();
    try (MvStoreVectorCache reopened = MvStoreVectorCache.open(dir)) {
      assertBitsEqual(new float[] {4, 2}, reopened.get("k"));
    }
  }

  @Test
  void rejectsBadArgumentsWithTheirNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MvStoreVectorCache.open(dir, -1));
    assertTrue(e.getMessage().contains("maxEntries"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MvStoreVectorCacheFactory(" "));
    assertTrue(e.getMessage().contains("directory"), e.getMessage());
    try (MvStoreVectorCache cache = MvStoreVectorCache.open(dir)) {
      e = assertThrows(IllegalArgumentException.class, () -> cache.put("k", new float[0]));
      assertTrue(e.getMessage().contains("vector"), e.getMessage());
    }
  }

  @Test
  void factorySurvivesSerializationAndOpensTheSharedStore() throws Exception {
    MvStoreVectorCacheFactory factory = new MvStoreVectorCacheFactory(dir.toString(), 100);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(factory);
    }
    MvStoreVectorCacheFactory copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (MvStoreVectorCacheFactory) in.readObject();
    }
    assertEquals(factory, copy);
    try (MvStoreVectorCache a = factory.open();
        MvStoreVectorCache b = copy.open()) {
      a.put("k", new float[] {1});
      assertBitsEqual(new float[] {1}, b.get("k"));
    }
  }
}
