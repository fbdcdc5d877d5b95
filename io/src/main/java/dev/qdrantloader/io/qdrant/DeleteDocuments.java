package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.grpc.Common.Filter;
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
 * Removes documents that vanished at their source: all their points (by {@code document_id}, so
 * points the manifest does not know about go too), then their manifest entries, both durable before
 * the next step. In batches of documents; a crash in between leaves the entry, so the next run
 * deletes again.
 */
public final class DeleteDocuments
    extends PTransform<PCollection<ManifestEntry>, PCollection<Void>> {
  private final QdrantConnection connection;
  private final String collection;
  private final int maxBatchDocuments;

  private DeleteDocuments(QdrantConnection connection, String collection, int maxBatchDocuments) {
    this.connection = connection;
    this.collection = collection;
    this.maxBatchDocuments = maxBatchDocuments;
  }

  /** Deletes from {@code collection} and its manifest. */
  public static DeleteDocuments from(QdrantConnection connection, String collection) {
    if (connection == null || collection == null || collection.isBlank()) {
      throw new IllegalArgumentException("DeleteDocuments needs a connection and a collection");
    }
    return new DeleteDocuments(connection, collection, 256);
  }

  @Override
  public PCollection<Void> expand(PCollection<ManifestEntry> gone) {
    return gone.apply(
            "DeletePointsAndEntries",
            ParDo.of(new DeleteFn(connection, collection, maxBatchDocuments)))
        .setCoder(VoidCoder.of());
  }

  static final class DeleteFn extends DoFn<ManifestEntry, Void> {
    private final Counter documents = Metrics.counter(DeleteDocuments.class, "documents_removed");
    private final Counter points = Metrics.counter(DeleteDocuments.class, "points_removed");
    private final QdrantConnection connection;
    private final String collection;
    private final int maxBatch;
    private transient List<ManifestEntry> buffer;

    DeleteFn(QdrantConnection connection, String collection, int maxBatch) {
      this.connection = connection;
      this.collection = collection;
      this.maxBatch = maxBatch;
    }

    @StartBundle
    public void start() {
      buffer = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element ManifestEntry e) {
      buffer.add(e);
      if (buffer.size() >= maxBatch) {
        flush();
      }
    }

    @FinishBundle
    public void finish() {
      flush();
    }

    private void flush() {
      if (buffer.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>();
      long chunks = 0;
      for (ManifestEntry e : buffer) {
        ids.add(e.documentId());
        chunks += e.chunkHashes().size();
      }
      // Entries first: a crash in between leaves points without entries, which the next run
      // rewrites (the file is back) or sweeps as orphans; the other order could leave an entry
      // whose points are gone, which a returning file with the same bytes would never repair.
      QdrantManifest.delete(connection.client(), collection, ids);
      QdrantCollections.deleteWhere(
          connection.client(),
          collection,
          Filter.newBuilder()
              .addMust(ConditionFactory.matchKeywords(PointPayloads.DOCUMENT_ID, ids))
              .build());
      documents.inc(buffer.size());
      points.inc(chunks);
      buffer.clear();
    }
  }
}
