package dev.qdrantloader.io.qdrant.local;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only file of framed records: {@code [length][crc32c][type][bytes]}. Used both as the
 * write-ahead log and as the snapshot format. Reading stops at the first torn or corrupt frame
 * (what a {@code kill -9} mid-write leaves), and {@link #openForAppend} cuts the file there so new
 * records never follow garbage. {@link #sync} is a group commit: one fsync covers every record
 * appended before it.
 */
final class RecordLog implements Closeable {
  /** One record read back. */
  static final class Entry {
    final byte type;
    final byte[] data;

    Entry(byte type, byte[] data) {
      this.type = type;
      this.data = data;
    }
  }

  private static final int HEADER = 9;
  private static final int MAX_RECORD = 1 << 30;

  private final Path path;
  private final FileChannel channel;
  private final Object syncLock = new Object();
  private long appended; // guarded by this
  private volatile long synced;
  private volatile boolean closed;

  private RecordLog(Path path, FileChannel channel, long size) {
    this.path = path;
    this.channel = channel;
    this.appended = size;
    this.synced = size;
  }

  /** Opens (creating if needed) for appending after the last intact record. */
  static RecordLog openForAppend(Path path) {
    try {
      long valid = Files.exists(path) ? scan(path, null) : 0;
      FileChannel ch =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      if (ch.size() > valid) {
        ch.truncate(valid);
        ch.force(true);
      }
      ch.position(valid);
      return new RecordLog(path, ch, valid);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open log " + path, e);
    }
  }

  /** Every intact record of the file, in order. */
  static List<Entry> readAll(Path path) {
    List<Entry> out = new ArrayList<>();
    try {
      scan(path, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read log " + path, e);
    }
    return out;
  }

  /** Returns the byte length of the intact prefix, collecting its records when asked. */
  private static long scan(Path path, List<Entry> out) throws IOException {
    long valid = 0;
    try (InputStream raw = Files.newInputStream(path);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      CRC32C crc = new CRC32C();
      while (true) {
        int len;
        int sum;
        byte type;
        try {
          len = in.readInt();
          sum = in.readInt();
          type = in.readByte();
        } catch (EOFException e) {
          return valid;
        }
        if (len < 0 || len > MAX_RECORD) {
          return valid;
        }
        byte[] data = new byte[len];
        try {
          in.readFully(data);
        } catch (EOFException e) {
          return valid;
        }
        crc.reset();
        crc.update(type);
        crc.update(data);
        if ((int) crc.getValue() != sum) {
          return valid;
        }
        if (out != null) {
          out.add(new Entry(type, data));
        }
        valid += HEADER + len;
      }
    }
  }

  // Encoding buffers are reused per thread: allocating (and zeroing) one per record showed up in
  // profiles of large upserts.
  private static final ThreadLocal<ByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(1 << 16));

  /**
   * Appends a message, encoded straight into the frame (no intermediate copy), and returns the
   * position a {@link #sync} must reach to make it durable.
   */
  long append(byte type, com.google.protobuf.MessageLite message) {
    int size = message.getSerializedSize();
    ByteBuffer buf = BUFFERS.get();
    if (buf.capacity() < HEADER + size) {
      buf = ByteBuffer.allocate(Math.max(HEADER + size, buf.capacity() * 2));
      if (buf.capacity() <= (16 << 20)) {
        BUFFERS.set(buf);
      }
    }
    buf.clear();
    try {
      com.google.protobuf.CodedOutputStream out =
          com.google.protobuf.CodedOutputStream.newInstance(buf.array(), HEADER, size);
      message.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a log record", e);
    }
    buf.position(HEADER + size);
    return appendFramed(type, buf);
  }

  /** {@code buf} holds the payload after HEADER bytes of room; fills the header and writes it. */
  private long appendFramed(byte type, ByteBuffer buf) {
    int len = buf.position() - HEADER;
    CRC32C crc = new CRC32C();
    crc.update(type);
    crc.update(buf.array(), HEADER, len);
    buf.putInt(0, len).putInt(4, (int) crc.getValue()).put(8, type);
    buf.flip();
    return write(buf);
  }

  private synchronized long write(ByteBuffer buf) {
    int total = buf.remaining();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + path, e);
    }
    appended += total;
    return appended;
  }

  synchronized long size() {
    return appended;
  }

  /** Makes every record up to {@code position} durable; concurrent callers share one fsync. */
  void sync(long position) {
    if (synced >= position) {
      return;
    }
    synchronized (syncLock) {
      if (synced >= position || closed) {
        return;
      }
      long target = size();
      try {
        channel.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot sync " + path, e);
      }
      synced = target;
    }
  }

  /** Syncs everything and closes; later {@link #sync} calls for this log return at once. */
  @Override
  public void close() {
    synchronized (syncLock) {
      if (closed) {
        return;
      }
      try {
        channel.force(false);
        synced = size();
        closed = true;
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + path, e);
      }
    }
  }

  Path path() {
    return path;
  }

  /**
   * Writes a new file of records through a large buffer (one system call per megabyte, not per
   * record) and makes it durable on {@link #close}; used for snapshots.
   */
  static final class BulkWriter implements Closeable {
    private final java.io.FileOutputStream file;
    private final java.io.DataOutputStream out;
    private final CRC32C crc = new CRC32C();

    BulkWriter(Path path) throws IOException {
      this.file = new java.io.FileOutputStream(path.toFile());
      this.out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(file, 1 << 20));
    }

    void append(byte type, byte[] data) throws IOException {
      crc.reset();
      crc.update(type);
      crc.update(data);
      out.writeInt(data.length);
      out.writeInt((int) crc.getValue());
      out.writeByte(type);
      out.write(data);
    }

    @Override
    public void close() throws IOException {
      out.flush();
      file.getFD().sync();
      out.close();
    }
  }
}
