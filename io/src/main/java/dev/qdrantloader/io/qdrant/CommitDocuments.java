package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.WrittenPoint;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The last step for each converted document, once its points are durable: when every chunk was
 * written, its stale points (those of earlier content) are deleted and then its manifest entry is
 * written, both with {@code wait=true}, so the manifest never records what the collection does not
 * hold and a search never finds the document missing. When some chunk failed, the points this run
 * added are deleted again and the earlier entry stays: the document keeps what it had, and the next
 * run tries it again.
 *
 * <p>Documents are committed in batches (one delete and one manifest upsert per batch). A crash
 * between the steps leaves the entry as it was, so the next run redoes the document and converges.
 */
public final class CommitDocuments
    extends PTransform<PCollection<WrittenPoint>, PCollection<Void>> {
  private final QdrantConnection connection;
  private final String collection;
  private final String ingestedAt;
  private final PCollection<ManifestEntry> listed;
  private final PCollection<ManifestEntry> previous;
  private final int maxBatchDocuments;

  private CommitDocuments(
      QdrantConnection connection,
      String collection,
      String ingestedAt,
      PCollection<ManifestEntry> listed,
      PCollection<ManifestEntry> previous,
      int maxBatchDocuments) {
    this.connection = connection;
    this.collection = collection;
    this.ingestedAt = ingestedAt;
    this.listed = listed;
    this.previous = previous;
    this.maxBatchDocuments = maxBatchDocuments;
  }

  /**
   * Commits the documents of {@code listed} (one entry per file the run converted, without chunk
   * hashes yet) whose points were written; {@code previous} holds the entries they had before.
   */
  public static CommitDocuments of(
      QdrantConnection connection,
      String collection,
      String ingestedAt,
      PCollection<ManifestEntry> listed,
      PCollection<ManifestEntry> previous) {
    if (connection == null || collection == null || listed == null || previous == null) {
      throw new IllegalArgumentException(
          "CommitDocuments needs a connection, collection, listed and previous entries");
    }
    return new CommitDocuments(connection, collection, ingestedAt, listed, previous, 256);
  }

  /** At most {@code n} documents per delete and manifest upsert. */
  public CommitDocuments withMaxBatchDocuments(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxBatchDocuments must be at least 1, got " + n);
    }
    return new CommitDocuments(connection, collection, ingestedAt, listed, previous, n);
  }

  private static final TupleTag<WrittenPoint> WRITTEN = new TupleTag<>() {};
  private static final TupleTag<ManifestEntry> LISTED = new TupleTag<>() {};
  private static final TupleTag<ManifestEntry> PREVIOUS = new TupleTag<>() {};

  @Override
  public PCollection<Void> expand(PCollection<WrittenPoint> written) {
    return KeyedPCollectionTuple.of(
            WRITTEN,
            written
                .apply(
                    "KeyWritten",
                    WithKeys.<String, WrittenPoint>of(WrittenPoint::documentId)
                        .withKeyType(TypeDescriptors.strings()))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.writtenPoints())))
        .and(LISTED, keyed(listed, "KeyListed"))
        .and(PREVIOUS, keyed(previous, "KeyPrevious"))
        .apply("ByDocument", CoGroupByKey.create())
        .apply(
            "Commit", ParDo.of(new CommitFn(connection, collection, ingestedAt, maxBatchDocuments)))
        .setCoder(VoidCoder.of());
  }

  static PCollection<KV<String, ManifestEntry>> keyed(
      PCollection<ManifestEntry> entries, String name) {
    return entries
        .apply(
            name,
            WithKeys.<String, ManifestEntry>of(ManifestEntry::documentId)
                .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries()));
  }

  /** One document's outcome, waiting for its batch. */
  private record Pending(
      String documentId, ManifestEntry entry, List<String> keepIds, List<String> dropIds) {}

  static final class CommitFn extends DoFn<KV<String, CoGbkResult>, Void> {
    private final Counter committed = Metrics.counter(CommitDocuments.class, "documents_committed");
    private final Counter incomplete =
        Metrics.counter(CommitDocuments.class, "documents_incomplete");
    private final Counter removed = Metrics.counter(CommitDocuments.class, "points_removed");
    private final QdrantConnection connection;
    private final String collection;
    private final String ingestedAt;
    private final int maxBatch;
    private transient List<Pending> commits;
    private transient List<Pending> rollbacks;

    CommitFn(QdrantConnection connection, String collection, String ingestedAt, int maxBatch) {
      this.connection = connection;
      this.collection = collection;
      this.ingestedAt = ingestedAt;
      this.maxBatch = maxBatch;
    }

    @StartBundle
    public void start() {
      commits = new ArrayList<>();
      rollbacks = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> doc) {
      ManifestEntry now = first(doc.getValue().getAll(LISTED).iterator());
      ManifestEntry before = first(doc.getValue().getAll(PREVIOUS).iterator());
      List<WrittenPoint> points = new ArrayList<>();
      doc.getValue().getAll(WRITTEN).forEach(points::add);
      if (now == null || points.isEmpty()) {
        return; // failed before anything was written (its failure is reported): nothing changes
      }
      int count = points.get(0).chunkCount();
      String[] hashes = new String[count];
      for (WrittenPoint p : points) {
        if (p.chunkIndex() < count) {
          hashes[p.chunkIndex()] = p.chunkHash();
        }
      }
      boolean complete = Arrays.stream(hashes).allMatch(h -> h != null);
      Set<String> beforeIds = before == null ? Set.of() : new HashSet<>(before.pointIds());
      if (complete) {
        ManifestEntry entry = now.withChunks(Arrays.asList(hashes), ingestedAt);
        List<String> keep = entry.pointIds();
        Set<String> keepSet = new HashSet<>(keep);
        long stale = beforeIds.stream().filter(id -> !keepSet.contains(id)).count();
        removed.inc(stale);
        commits.add(new Pending(doc.getKey(), entry, keep, List.of()));
      } else {
        List<String> drop = new ArrayList<>();
        for (WrittenPoint p : points) {
          if (!beforeIds.contains(p.pointId())) {
            drop.add(p.pointId());
          }
        }
        rollbacks.add(new Pending(doc.getKey(), null, List.of(), drop));
      }
      if (commits.size() + rollbacks.size() >= maxBatch) {
        flush();
      }
    }

    @FinishBundle
    public void finish() {
      flush();
    }

    private void flush() {
      if (!commits.isEmpty()) {
        List<String> docs = new ArrayList<>();
        List<PointId> keep = new ArrayList<>();
        List<ManifestEntry> entries = new ArrayList<>();
        for (Pending p : commits) {
          docs.add(p.documentId());
          entries.add(p.entry());
          for (String id : p.keepIds()) {
            keep.add(PointIdFactory.id(UUID.fromString(id)));
          }
        }
        // Points of these documents other than the ones just written: earlier content.
        Filter stale =
            Filter.newBuilder()
                .addMust(ConditionFactory.matchKeywords(PointPayloads.DOCUMENT_ID, docs))
                .addMustNot(ConditionFactory.hasId(keep))
                .build();
        QdrantCollections.deleteWhere(connection.client(), collection, stale);
        QdrantManifest.write(connection.client(), collection, entries);
        committed.inc(commits.size());
        commits.clear();
      }
      if (!rollbacks.isEmpty()) {
        List<PointId> drop = new ArrayList<>();
        for (Pending p : rollbacks) {
          for (String id : p.dropIds()) {
            drop.add(PointIdFactory.id(UUID.fromString(id)));
          }
        }
        QdrantCollections.deleteIds(connection.client(), collection, drop);
        incomplete.inc(rollbacks.size());
        rollbacks.clear();
      }
    }

    private static <T> T first(Iterator<T> it) {
      return it.hasNext() ? it.next() : null;
    }
  }
}
