package dev.qdrantloader.transforms.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;

/**
 * Compact coders for the model types: fields written in order with length-prefixed UTF-8, instead
 * of Java serialization (which showed up near the top of ingestion profiles, at every shuffle).
 */
public final class ModelCoders {
  private ModelCoders() {}

  public static Coder<SourceFile> sourceFiles() {
    return SourceFileCoder.INSTANCE;
  }

  public static Coder<Document> documents() {
    return DocumentCoder.INSTANCE;
  }

  public static Coder<Chunk> chunks() {
    return ChunkCoder.INSTANCE;
  }

  public static Coder<EmbeddedChunk> embeddedChunks() {
    return EmbeddedChunkCoder.INSTANCE;
  }

  public static Coder<Failure> failures() {
    return FailureCoder.INSTANCE;
  }

  public static Coder<ManifestEntry> manifestEntries() {
    return ManifestEntryCoder.INSTANCE;
  }

  public static Coder<ChangedFile> changedFiles() {
    return ChangedFileCoder.INSTANCE;
  }

  public static Coder<WrittenPoint> writtenPoints() {
    return WrittenPointCoder.INSTANCE;
  }

  // Strings may be null in a few fields (title, mime type): -1 marks null.
  static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static DataOutputStream data(OutputStream out) {
    return new DataOutputStream(out);
  }

  private static DataInputStream data(InputStream in) {
    return new DataInputStream(in);
  }

  private static final class SourceFileCoder extends AtomicCoder<SourceFile> {
    static final SourceFileCoder INSTANCE = new SourceFileCoder();

    @Override
    public void encode(SourceFile f, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      writeString(out, f.documentId());
      writeString(out, f.projectId());
      writeString(out, f.sourceType());
      writeString(out, f.source());
      writeString(out, f.path());
      writeString(out, f.url());
      out.writeLong(f.sizeBytes());
      out.writeLong(f.lastModifiedMillis());
      writeBytes(out, f.bytes());
      out.flush();
    }

    @Override
    public SourceFile decode(InputStream is) throws IOException {
      DataInputStream in = data(is);
      return new SourceFile(
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          in.readLong(),
          in.readLong(),
          readBytes(in));
    }
  }

  private static final class DocumentCoder extends AtomicCoder<Document> {
    static final DocumentCoder INSTANCE = new DocumentCoder();

    @Override
    public void encode(Document d, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      writeString(out, d.documentId());
      writeString(out, d.projectId());
      writeString(out, d.sourceType());
      writeString(out, d.source());
      writeString(out, d.path());
      writeString(out, d.url());
      writeString(out, d.title());
      writeString(out, d.mimeType());
      writeString(out, d.format());
      writeString(out, d.text());
      writeString(out, d.contentHash());
      out.writeLong(d.lastModifiedMillis());
      out.flush();
    }

    @Override
    public Document decode(InputStream is) throws IOException {
      DataInputStream in = data(is);
      return new Document(
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          readString(in),
          in.readLong());
    }
  }

  private static final class ChunkCoder extends AtomicCoder<Chunk> {
    static final ChunkCoder INSTANCE = new ChunkCoder();

    @Override
    public void encode(Chunk c, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      encodeTo(c, out);
      out.flush();
    }

    static void encodeTo(Chunk c, DataOutputStream out) throws IOException {
      writeString(out, c.documentId());
      writeString(out, c.projectId());
      writeString(out, c.sourceType());
      writeString(out, c.source());
      writeString(out, c.path());
      writeString(out, c.url());
      writeString(out, c.title());
      writeString(out, c.mimeType());
      out.writeInt(c.chunkIndex());
      out.writeInt(c.chunkCount());
      writeString(out, c.text());
      out.writeInt(c.headingPath().size());
      for (String h : c.headingPath()) {
        writeString(out, h);
      }
      writeString(out, c.contentHash());
      writeString(out, c.chunkHash());
      out.writeInt(c.tokenCount());
      out.writeLong(c.lastModifiedMillis());
    }

    @Override
    public Chunk decode(InputStream is) throws IOException {
      return decodeFrom(data(is));
    }

    static Chunk decodeFrom(DataInputStream in) throws IOException {
      String documentId = readString(in);
      String projectId = readString(in);
      String sourceType = readString(in);
      String source = readString(in);
      String path = readString(in);
      String url = readString(in);
      String title = readString(in);
      String mimeType = readString(in);
      int index = in.readInt();
      int count = in.readInt();
      String text = readString(in);
      int headings = in.readInt();
      List<String> headingPath = new ArrayList<>(headings);
      for (int i = 0; i < headings; i++) {
        headingPath.add(readString(in));
      }
      return new Chunk(
          documentId,
          projectId,
          sourceType,
          source,
          path,
          url,
          title,
          mimeType,
          index,
          count,
          text,
          headingPath,
          readString(in),
          readString(in),
          in.readInt(),
          in.readLong());
    }
  }

  private static final class EmbeddedChunkCoder extends AtomicCoder<EmbeddedChunk> {
    static final EmbeddedChunkCoder INSTANCE = new EmbeddedChunkCoder();

    @Override
    public void encode(EmbeddedChunk e, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      ChunkCoder.encodeTo(e.chunk(), out);
      out.writeInt(e.vector().length);
      for (float f : e.vector()) {
        out.writeFloat(f);
      }
      out.flush();
    }

    @Override
    public EmbeddedChunk decode(InputStream is) throws IOException {
      DataInputStream in = data(is);
      Chunk c = ChunkCoder.decodeFrom(in);
      float[] v = new float[in.readInt()];
      for (int i = 0; i < v.length; i++) {
        v[i] = in.readFloat();
      }
      return new EmbeddedChunk(c, v);
    }
  }

  private static final class FailureCoder extends AtomicCoder<Failure> {
    static final FailureCoder INSTANCE = new FailureCoder();

    @Override
    public void encode(Failure f, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      writeString(out, f.stage());
      writeString(out, f.projectId());
      writeString(out, f.source());
      writeString(out, f.path());
      writeString(out, f.reason());
      out.flush();
    }

    @Override
    public Failure decode(InputStream is) throws IOException {
      DataInputStream in = data(is);
      return new Failure(
          readString(in), readString(in), readString(in), readString(in), readString(in));
    }
  }

  private static final class ManifestEntryCoder extends AtomicCoder<ManifestEntry> {
    static final ManifestEntryCoder INSTANCE = new ManifestEntryCoder();

    @Override
    public void encode(ManifestEntry e, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      encodeTo(e, out);
      out.flush();
    }

    static void encodeTo(ManifestEntry e, DataOutputStream out) throws IOException {
      writeString(out, e.documentId());
      writeString(out, e.projectId());
      writeString(out, e.sourceType());
      writeString(out, e.source());
      writeString(out, e.path());
      writeString(out, e.contentHash());
      out.writeLong(e.sizeBytes());
      out.writeLong(e.lastModifiedMillis());
      out.writeInt(e.chunkHashes().size());
      for (String h : e.chunkHashes()) {
        writeString(out, h);
      }
      writeString(out, e.ingestedAt());
    }

    @Override
    public ManifestEntry decode(InputStream is) throws IOException {
      return decodeFrom(data(is));
    }

    static ManifestEntry decodeFrom(DataInputStream in) throws IOException {
      String documentId = readString(in);
      String projectId = readString(in);
      String sourceType = readString(in);
      String source = readString(in);
      String path = readString(in);
      String contentHash = readString(in);
      long size = in.readLong();
      long modified = in.readLong();
      int n = in.readInt();
      java.util.List<String> hashes = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        hashes.add(readString(in));
      }
      return new ManifestEntry(
          documentId,
          projectId,
          sourceType,
          source,
          path,
          contentHash,
          size,
          modified,
          hashes,
          readString(in));
    }
  }

  private static final class ChangedFileCoder extends AtomicCoder<ChangedFile> {
    static final ChangedFileCoder INSTANCE = new ChangedFileCoder();

    @Override
    public void encode(ChangedFile c, OutputStream os) throws IOException {
      SourceFileCoder.INSTANCE.encode(c.current(), os);
      DataOutputStream out = data(os);
      ManifestEntryCoder.encodeTo(c.previous(), out);
      out.flush();
    }

    @Override
    public ChangedFile decode(InputStream is) throws IOException {
      SourceFile current = SourceFileCoder.INSTANCE.decode(is);
      return new ChangedFile(current, ManifestEntryCoder.decodeFrom(data(is)));
    }
  }

  private static final class WrittenPointCoder extends AtomicCoder<WrittenPoint> {
    static final WrittenPointCoder INSTANCE = new WrittenPointCoder();

    @Override
    public void encode(WrittenPoint w, OutputStream os) throws IOException {
      DataOutputStream out = data(os);
      writeString(out, w.documentId());
      out.writeInt(w.chunkIndex());
      out.writeInt(w.chunkCount());
      writeString(out, w.chunkHash());
      out.flush();
    }

    @Override
    public WrittenPoint decode(InputStream is) throws IOException {
      DataInputStream in = data(is);
      return new WrittenPoint(readString(in), in.readInt(), in.readInt(), readString(in));
    }
  }
}
