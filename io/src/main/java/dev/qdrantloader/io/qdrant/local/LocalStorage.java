package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Collections.CreateCollection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * All collections of one server, in memory or under a directory ({@code collections/<name>/}). A
 * collection directory appears atomically (written under a hidden name, then renamed) and is
 * removed by renaming it away first, so a kill never leaves half a collection behind.
 */
final class LocalStorage implements AutoCloseable {
  private final Path root; // null: in memory
  private final long minCompactBytes;
  private final ConcurrentHashMap<String, LocalCollection> collections = new ConcurrentHashMap<>();
  private final ExecutorService compactor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "local-qdrant-compactor");
            t.setDaemon(true);
            return t;
          });

  private java.nio.channels.FileChannel lockChannel;

  LocalStorage(Path root, long minCompactBytes) {
    this.root = root;
    this.minCompactBytes = minCompactBytes;
    if (root != null) {
      lockDirectory();
      load();
    }
  }

  /** Two servers on one directory would interleave their logs: the second one is refused. */
  private void lockDirectory() {
    try {
      Files.createDirectories(root);
      lockChannel =
          java.nio.channels.FileChannel.open(
              root.resolve(".lock"),
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.WRITE);
      java.nio.channels.FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        lockChannel.close();
        throw new IllegalStateException(
            "data directory " + root + " is in use by another local Qdrant server");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock data directory " + root, e);
    }
  }

  private Path collectionsDir() {
    return root.resolve("collections");
  }

  private void load() {
    Path dir = collectionsDir();
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          String n = p.getFileName().toString();
          if (n.startsWith(".")) {
            deleteTree(p); // an interrupted create or delete
            continue;
          }
          Path def = p.resolve(CollectionStore.DEFINITION);
          if (!Files.isRegularFile(def)) {
            continue;
          }
          CreateCollection definition = CreateCollection.parseFrom(Files.readAllBytes(def));
          LocalCollection c = new LocalCollection(n, definition);
          c.attach(CollectionStore.recover(p, c, minCompactBytes));
          collections.put(n, c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load collections from " + dir, e);
    }
  }

  static void validateName(String name) {
    if (name.isEmpty() || name.length() > 255) {
      throw QdrantErrors.invalid(
          "Validation error in path parameters: [name: collection name must be 1 to 255 characters]");
    }
    if (name.startsWith(".") || name.matches(".*[<>:\"/\\\\|?*\\x00-\\x1f].*")) {
      throw QdrantErrors.invalid(
          "Validation error in path parameters: [name: Collection name cannot contain \"/\", \"\\\","
              + " \"<\", \">\", \":\", \"\\\"\", \"|\", \"?\", \"*\" or control characters, nor"
              + " start with \".\"]");
    }
  }

  synchronized void create(CreateCollection req) {
    String name = req.getCollectionName();
    validateName(name);
    if (collections.containsKey(name)) {
      throw QdrantErrors.alreadyExists("Wrong input: Collection `" + name + "` already exists!");
    }
    LocalCollection.validateDefinition(req);
    LocalCollection c = new LocalCollection(name, req);
    if (root != null) {
      Path staging = collectionsDir().resolve(".creating-" + name);
      Path target = collectionsDir().resolve(name);
      try {
        deleteTree(staging);
        deleteTree(target); // leftovers without a definition file
        Files.createDirectories(staging);
        CollectionStore.writeDurably(
            staging.resolve(CollectionStore.DEFINITION), req.toByteArray());
        CollectionStore.moveAtomically(staging, target);
        CollectionStore.syncDirectory(collectionsDir());
      } catch (IOException e) {
        throw QdrantErrors.internal("cannot create collection directory for " + name, e);
      }
      c.attach(CollectionStore.recover(target, c, minCompactBytes));
    }
    collections.put(name, c);
  }

  synchronized boolean delete(String name) {
    LocalCollection c = collections.remove(name);
    if (c == null) {
      return false;
    }
    c.lock.writeLock().lock();
    try {
      c.markDropped();
      CollectionStore s = c.store();
      if (s != null) {
        s.close();
        Path trash = collectionsDir().resolve(".deleting-" + name + "-" + System.nanoTime());
        CollectionStore.moveAtomically(s.dir(), trash);
        CollectionStore.syncDirectory(collectionsDir());
        deleteTree(trash);
      }
    } catch (IOException e) {
      throw QdrantErrors.internal("cannot delete collection directory for " + name, e);
    } finally {
      c.lock.writeLock().unlock();
    }
    return true;
  }

  LocalCollection get(String name) {
    LocalCollection c = collections.get(name);
    if (c == null) {
      throw QdrantErrors.collectionNotFound(name);
    }
    return c;
  }

  boolean exists(String name) {
    return collections.containsKey(name);
  }

  List<String> names() {
    List<String> out = new ArrayList<>(collections.keySet());
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Schedules a compaction when the collection's log has grown past its bound. */
  void afterWrite(LocalCollection c) {
    CollectionStore s = c.store();
    if (s != null && s.wantsCompaction()) {
      compactor.execute(() -> s.compact(c));
    }
  }

  @Override
  public void close() {
    compactor.shutdown();
    try {
      compactor.awaitTermination(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (LocalCollection c : collections.values()) {
      c.lock.writeLock().lock();
      try {
        CollectionStore s = c.store();
        if (s != null) {
          s.close();
        }
      } finally {
        c.lock.writeLock().unlock();
      }
    }
    if (lockChannel != null) {
      try {
        lockChannel.close(); // releases the directory lock
      } catch (IOException ignored) {
        // the process is ending its use of the directory either way
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(f);
      }
    }
  }
}
