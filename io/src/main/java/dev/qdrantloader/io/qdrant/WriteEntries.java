package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.ManifestEntry;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes manifest entries that change nothing in the collection (a touched file's new size and
 * time), durably, in batches per bundle.
 */
public final class WriteEntries extends PTransform<PCollection<ManifestEntry>, PCollection<Void>> {
  private final QdrantConnection connection;
  private final String collection;

  private WriteEntries(QdrantConnection connection, String collection) {
    this.connection = connection;
    this.collection = collection;
  }

  /** Writes to the manifest of {@code collection}. */
  public static WriteEntries to(QdrantConnection connection, String collection) {
    if (connection == null || collection == null || collection.isBlank()) {
      throw new IllegalArgumentException("WriteEntries needs a connection and a collection");
    }
    return new WriteEntries(connection, collection);
  }

  @Override
  public PCollection<Void> expand(PCollection<ManifestEntry> entries) {
    return entries
        .apply("WriteEntries", ParDo.of(new WriteFn(connection, collection)))
        .setCoder(VoidCoder.of());
  }

  static final class WriteFn extends DoFn<ManifestEntry, Void> {
    private final Counter written = Metrics.counter(WriteEntries.class, "entries_written");
    private final QdrantConnection connection;
    private final String collection;
    private transient List<ManifestEntry> buffer;

    WriteFn(QdrantConnection connection, String collection) {
      this.connection = connection;
      this.collection = collection;
    }

    @StartBundle
    public void start() {
      buffer = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element ManifestEntry e) {
      buffer.add(e);
      if (buffer.size() >= 256) {
        flush();
      }
    }

    @FinishBundle
    public void finish() {
      flush();
    }

    private void flush() {
      if (!buffer.isEmpty()) {
        QdrantManifest.write(connection.client(), collection, buffer);
        written.inc(buffer.size());
        buffer.clear();
      }
    }
  }
}
