package dev.qdrantloader.io.qdrant.local;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one persistent collection: {@code snapshot-N.bin} holds the state after every {@code
 * wal-M.log} with M &lt; N; recovery loads the newest complete snapshot and replays the logs from
 * its generation on. Compaction writes a new snapshot beside the old one and removes the old files
 * only after the new one is durable and renamed into place, so a kill at any moment leaves a
 * recoverable set.
 */
final class CollectionStore {
  private static final Logger LOG = LoggerFactory.getLogger(CollectionStore.class);
  private static final Pattern SNAPSHOT = Pattern.compile("snapshot-(\\d+)\\.bin");
  private static final Pattern WAL = Pattern.compile("wal-(\\d+)\\.log");
  static final String DEFINITION = "collection.pb";

  private final Path dir;
  private final long minCompactBytes;
  private final AtomicBoolean compacting = new AtomicBoolean();
  private volatile RecordLog wal;
  private volatile long generation;
  private volatile long lastSnapshotBytes;

  private CollectionStore(Path dir, long minCompactBytes) {
    this.dir = dir;
    this.minCompactBytes = minCompactBytes;
  }

  RecordLog wal() {
    return wal;
  }

  Path dir() {
    return dir;
  }

  /** Loads the collection's state into {@code c} and opens its log for appending. */
  static CollectionStore recover(Path dir, LocalCollection c, long minCompactBytes) {
    CollectionStore s = new CollectionStore(dir, minCompactBytes);
    TreeSet<Long> snapshots = new TreeSet<>();
    TreeSet<Long> wals = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        Matcher m;
        if (n.endsWith(".tmp")) {
          Files.deleteIfExists(f);
        } else if ((m = SNAPSHOT.matcher(n)).matches()) {
          snapshots.add(Long.parseLong(m.group(1)));
        } else if ((m = WAL.matcher(n)).matches()) {
          wals.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    long base = 0;
    for (Long gen : snapshots.descendingSet()) {
      List<RecordLog.Entry> records = RecordLog.readAll(snapshotPath(dir, gen));
      if (!records.isEmpty() && records.get(records.size() - 1).type == LocalCollection.SNAP_END) {
        base = gen;
        try {
          for (RecordLog.Entry e : records) {
            c.replay(e);
          }
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt snapshot " + snapshotPath(dir, gen), e);
        }
        s.lastSnapshotBytes = sizeOf(snapshotPath(dir, gen));
        break;
      }
    }
    long last = base;
    for (Long gen : wals.tailSet(base, true)) {
      for (RecordLog.Entry e : RecordLog.readAll(walPath(dir, gen))) {
        try {
          c.replay(e);
        } catch (InvalidProtocolBufferException ex) {
          throw new IllegalStateException("corrupt log record in " + walPath(dir, gen), ex);
        }
      }
      last = gen;
    }
    s.generation = last;
    s.wal = RecordLog.openForAppend(walPath(dir, last));
    s.removeOlderThan(base);
    return s;
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  static Path snapshotPath(Path dir, long gen) {
    return dir.resolve("snapshot-" + gen + ".bin");
  }

  static Path walPath(Path dir, long gen) {
    return dir.resolve("wal-" + gen + ".log");
  }

  /**
   * True when the log has outgrown both the floor and twice the last snapshot: snapshots then cost
   * at most half of what was logged, and recovery replays a log at most about twice the state.
   */
  boolean wantsCompaction() {
    return !compacting.get() && wantsCompactionIgnoringFlag();
  }

  /**
   * Rotates the log under the collection's write lock, then writes the snapshot outside it, so
   * writers and readers go on while the snapshot is written.
   */
  void compact(LocalCollection c) {
    if (!compacting.compareAndSet(false, true)) {
      return;
    }
    try {
      StoredPoint[] state;
      List<byte[]> indexes;
      long newGen;
      c.lock.writeLock().lock();
      try {
        if (c.isDropped() || !wantsCompactionIgnoringFlag()) {
          return;
        }
        state = c.pointsView().values().toArray(new StoredPoint[0]);
        indexes = c.snapshotIndexes();
        newGen = generation + 1;
        RecordLog old = wal;
        wal = RecordLog.openForAppend(walPath(dir, newGen));
        generation = newGen;
        old.close();
      } finally {
        c.lock.writeLock().unlock();
      }
      writeSnapshot(c, newGen, state, indexes);
      removeOlderThan(newGen);
    } catch (RuntimeException e) {
      if (!c.isDropped()) {
        LOG.warn("Compaction of collection {} failed; its log keeps every write", c.name, e);
      }
    } finally {
      compacting.set(false);
    }
  }

  private boolean wantsCompactionIgnoringFlag() {
    RecordLog w = wal;
    return w != null && w.size() > Math.max(minCompactBytes, 2 * lastSnapshotBytes);
  }

  private void writeSnapshot(
      LocalCollection c, long gen, StoredPoint[] state, List<byte[]> indexes) {
    Path tmp = dir.resolve("snapshot-" + gen + ".bin.tmp");
    try {
      Files.deleteIfExists(tmp);
      try (RecordLog.BulkWriter out = new RecordLog.BulkWriter(tmp)) {
        for (byte[] index : indexes) {
          out.append(LocalCollection.OP_CREATE_INDEX, index);
        }
        for (StoredPoint p : state) {
          out.append(LocalCollection.SNAP_POINT, c.encodeSnapshotPoint(p));
        }
        out.append(LocalCollection.SNAP_END, new byte[0]);
      }
      Path target = snapshotPath(dir, gen);
      moveAtomically(tmp, target);
      syncDirectory(dir);
      lastSnapshotBytes = Files.size(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot in " + dir, e);
    }
  }

  private void removeOlderThan(long gen) {
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        Matcher m = SNAPSHOT.matcher(n);
        Matcher w = WAL.matcher(n);
        if ((m.matches() && Long.parseLong(m.group(1)) < gen)
            || (w.matches() && Long.parseLong(w.group(1)) < gen)) {
          stale.add(f);
        }
      }
      for (Path f : stale) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      LOG.warn("Could not remove old files in {}", dir, e);
    }
  }

  void close() {
    RecordLog w = wal;
    if (w != null) {
      w.close();
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes a rename durable (no-op where directories cannot be opened, e.g. Windows). */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }

  static void writeDurably(Path target, byte[] data) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(java.nio.ByteBuffer.wrap(data));
      ch.force(true);
    }
    moveAtomically(tmp, target);
    syncDirectory(target.getParent());
  }
}
