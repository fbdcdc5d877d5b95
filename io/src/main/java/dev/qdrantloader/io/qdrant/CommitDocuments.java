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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
 * <p>Documents are committed in batches (one delete and one manifest upsert per batch of up to
 * {@code maxBatchDocuments}, over 16 keys). A crash between the steps leaves the entry as it was,
 * so the next run redoes the document and converges.
 */
public final class CommitDocuments
    extends PTransform<PCollection<WrittenPoint>, PCollection<Void>> {
  private final QdrantConnection connection;
  private final String collection;
  private final String ingestedAt;
  private final PCollection<ManifestEntry> listed;
  private final PCollection<ManifestEntry> previous;
  private final int maxBatchDocuments;
  private final boolean cleanNew;

  private CommitDocuments(
      QdrantConnection connection,
      String collection,
      String ingestedAt,
      PCollection<ManifestEntry> listed,
      PCollection<ManifestEntry> previous,
      int maxBatchDocuments,
      boolean cleanNew) {
    this.connection = connection;
    this.collection = collection;
    this.ingestedAt = ingestedAt;
    this.listed = listed;
    this.previous = previous;
    this.maxBatchDocuments = maxBatchDocuments;
    this.cleanNew = cleanNew;
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
    return new CommitDocuments(connection, collection, ingestedAt, listed, previous, 256, false);
  }

  /** At most {@code n} documents per delete and manifest upsert. */
  public CommitDocuments withMaxBatchDocuments(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxBatchDocuments must be at least 1, got " + n);
    }
    return new CommitDocuments(connection, collection, ingestedAt, listed, previous, n, cleanNew);
  }

  /**
   * Whether new documents (no earlier entry) also get their stale points deleted. After runs that
   * all ended (succeeded, or rolled back what failed) a new document has no points, so the delete
   * is skipped; after an interrupted or failed run it may have some, with other ids.
   */
  public CommitDocuments withCleanNewDocuments(boolean clean) {
    return new CommitDocuments(
        connection, collection, ingestedAt, listed, previous, maxBatchDocuments, clean);
  }

  private static final TupleTag<WrittenPoint> WRITTEN = new TupleTag<>() {};
  private static final TupleTag<ManifestEntry> LISTED = new TupleTag<>() {};
  private static final TupleTag<ManifestEntry> PREVIOUS = new TupleTag<>() {};

  /** Documents are joined and committed over this many keys (a hash of the document id). */
  private static final int BUCKETS = 16;

  @Override
  public PCollection<Void> expand(PCollection<WrittenPoint> written) {
    // Joined by bucket, not by document: a join by document gives every document its own group,
    // and the DirectRunner a bundle per group and step (a fixed cost per document); a bucket's
    // group holds a few hundred documents, joined in memory and committed in batches.
    return KeyedPCollectionTuple.of(
            WRITTEN,
            written
                .apply(
                    "BucketWritten",
                    WithKeys.<Integer, WrittenPoint>of(p -> bucket(p.documentId()))
                        .withKeyType(TypeDescriptors.integers()))
                .setCoder(KvCoder.of(VarIntCoder.of(), ModelCoders.writtenPoints())))
        .and(LISTED, bucketed(listed, "BucketListed"))
        .and(PREVIOUS, bucketed(previous, "BucketPrevious"))
        .apply("ByBucket", CoGroupByKey.create())
        .apply(
            "Commit",
            ParDo.of(new CommitFn(connection, collection, ingestedAt, maxBatchDocuments, cleanNew)))
        .setCoder(VoidCoder.of());
  }

  private static int bucket(String documentId) {
    return Math.floorMod(documentId.hashCode(), BUCKETS);
  }

  private static PCollection<KV<Integer, ManifestEntry>> bucketed(
      PCollection<ManifestEntry> entries, String name) {
    return entries
        .apply(
            name,
            WithKeys.<Integer, ManifestEntry>of(e -> bucket(e.documentId()))
                .withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), ModelCoders.manifestEntries()));
  }

  /**
   * One bucket: per document, complete (every chunk written) commits its new entry after deleting
   * its stale points; incomplete removes the points this run added and keeps its entry.
   */
  static final class CommitFn extends DoFn<KV<Integer, CoGbkResult>, Void> {
    private final Counter committed = Metrics.counter(CommitDocuments.class, "documents_committed");
    private final Counter incomplete =
        Metrics.counter(CommitDocuments.class, "documents_incomplete");
    private final Counter removed = Metrics.counter(CommitDocuments.class, "points_removed");
    private final QdrantConnection connection;
    private final String collection;
    private final String ingestedAt;
    private final int maxBatch;
    private final boolean cleanNew;

    CommitFn(
        QdrantConnection connection,
        String collection,
        String ingestedAt,
        int maxBatch,
        boolean cleanNew) {
      this.connection = connection;
      this.collection = collection;
      this.ingestedAt = ingestedAt;
      this.maxBatch = maxBatch;
      this.cleanNew = cleanNew;
    }

    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> bucket) {
      Map<String, List<WrittenPoint>> written = new HashMap<>();
      for (WrittenPoint p : bucket.getValue().getAll(WRITTEN)) {
        written.computeIfAbsent(p.documentId(), k -> new ArrayList<>()).add(p);
      }
      Map<String, ManifestEntry> before = new HashMap<>();
      for (ManifestEntry e : bucket.getValue().getAll(PREVIOUS)) {
        before.put(e.documentId(), e);
      }
      List<ManifestEntry> listed = new ArrayList<>();
      bucket.getValue().getAll(LISTED).forEach(listed::add);
      listed.sort(Comparator.comparing(ManifestEntry::documentId));

      List<ManifestEntry> complete = new ArrayList<>();
      List<Boolean> clean = new ArrayList<>();
      List<PointId> drop = new ArrayList<>();
      for (ManifestEntry now : listed) {
        List<WrittenPoint> points = written.get(now.documentId());
        if (points == null) {
          continue; // failed before anything was written (its failure is reported)
        }
        ManifestEntry previous = before.get(now.documentId());
        Set<String> beforeIds = previous == null ? Set.of() : new HashSet<>(previous.pointIds());
        int count = points.get(0).chunkCount();
        String[] hashes = new String[count];
        for (WrittenPoint p : points) {
          if (p.chunkIndex() < count) {
            hashes[p.chunkIndex()] = p.chunkHash();
          }
        }
        if (Arrays.stream(hashes).allMatch(h -> h != null)) {
          ManifestEntry entry = now.withChunks(Arrays.asList(hashes), ingestedAt);
          Set<String> keep = new HashSet<>(entry.pointIds());
          removed.inc(beforeIds.stream().filter(id -> !keep.contains(id)).count());
          complete.add(entry);
          clean.add(previous != null || cleanNew);
          if (complete.size() >= maxBatch) {
            commit(complete, clean);
          }
        } else {
          incomplete.inc();
          for (WrittenPoint p : points) {
            if (!beforeIds.contains(p.pointId())) {
              drop.add(PointIdFactory.id(UUID.fromString(p.pointId())));
            }
          }
        }
      }
      if (!complete.isEmpty()) {
        commit(complete, clean);
      }
      QdrantCollections.deleteIds(connection.client(), collection, drop);
    }

    /** Deletes the batch's stale points, then writes its entries; clears both lists. */
    private void commit(List<ManifestEntry> entries, List<Boolean> clean) {
      List<String> docs = new ArrayList<>();
      List<PointId> keep = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        if (clean.get(i)) {
          ManifestEntry e = entries.get(i);
          docs.add(e.documentId());
          for (String id : e.pointIds()) {
            keep.add(PointIdFactory.id(UUID.fromString(id)));
          }
        }
      }
      if (!docs.isEmpty()) {
        // Points of these documents other than the ones just written: earlier content.
        Filter stale =
            Filter.newBuilder()
                .addMust(ConditionFactory.matchKeywords(PointPayloads.DOCUMENT_ID, docs))
                .addMustNot(ConditionFactory.hasId(keep))
                .build();
        QdrantCollections.deleteWhere(connection.client(), collection, stale);
      }
      QdrantManifest.write(connection.client(), collection, entries);
      committed.inc(entries.size());
      entries.clear();
      clean.clear();
    }
  }
}
