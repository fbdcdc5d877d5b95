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
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
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
  private static final TupleTag<KV<Boolean, ManifestEntry>> COMPLETE = new TupleTag<>() {};
  private static final TupleTag<KV<String, List<String>>> INCOMPLETE = new TupleTag<>() {};

  /** Documents are spread over this many keys for their batched commits. */
  private static final int BUCKETS = 16;

  @Override
  public PCollection<Void> expand(PCollection<WrittenPoint> written) {
    PCollectionTuple decided =
        KeyedPCollectionTuple.of(
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
                "Decide",
                ParDo.of(new DecideFn(ingestedAt, cleanNew))
                    .withOutputTags(COMPLETE, TupleTagList.of(INCOMPLETE)));
    // A join's output comes one document at a time; regrouping the decisions over a few keys lets
    // one delete and one manifest upsert serve many documents on every runner.
    PCollection<Void> committed =
        decided
            .get(COMPLETE)
            .setCoder(KvCoder.of(BooleanCoder.of(), ModelCoders.manifestEntries()))
            .apply(
                "BucketCommits",
                WithKeys.<Integer, KV<Boolean, ManifestEntry>>of(
                        kv -> bucket(kv.getValue().documentId()))
                    .withKeyType(TypeDescriptors.integers()))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(BooleanCoder.of(), ModelCoders.manifestEntries())))
            .apply("GroupCommits", GroupByKey.create())
            .apply("Commit", ParDo.of(new CommitFn(connection, collection, maxBatchDocuments)))
            .setCoder(VoidCoder.of());
    PCollection<Void> rolledBack =
        decided
            .get(INCOMPLETE)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of())))
            .apply(
                "BucketRollbacks",
                WithKeys.<Integer, KV<String, List<String>>>of(kv -> bucket(kv.getKey()))
                    .withKeyType(TypeDescriptors.integers()))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(),
                    KvCoder.of(StringUtf8Coder.of(), ListCoder.of(StringUtf8Coder.of()))))
            .apply("GroupRollbacks", GroupByKey.create())
            .apply("RollBack", ParDo.of(new RollbackFn(connection, collection)))
            .setCoder(VoidCoder.of());
    return PCollectionList.of(committed).and(rolledBack).apply("Done", Flatten.pCollections());
  }

  private static int bucket(String documentId) {
    return Math.floorMod(documentId.hashCode(), BUCKETS);
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

  /**
   * Per document: complete (every chunk written) gives its new entry; incomplete gives the ids of
   * the points this run added, to be removed again.
   */
  static final class DecideFn extends DoFn<KV<String, CoGbkResult>, KV<Boolean, ManifestEntry>> {
    private final Counter incomplete =
        Metrics.counter(CommitDocuments.class, "documents_incomplete");
    private final Counter removed = Metrics.counter(CommitDocuments.class, "points_removed");
    private final String ingestedAt;
    private final boolean cleanNew;

    DecideFn(String ingestedAt, boolean cleanNew) {
      this.ingestedAt = ingestedAt;
      this.cleanNew = cleanNew;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> doc, MultiOutputReceiver out) {
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
        Set<String> keep = new HashSet<>(entry.pointIds());
        removed.inc(beforeIds.stream().filter(id -> !keep.contains(id)).count());
        out.get(COMPLETE).output(KV.of(before != null || cleanNew, entry));
      } else {
        List<String> drop = new ArrayList<>();
        for (WrittenPoint p : points) {
          if (!beforeIds.contains(p.pointId())) {
            drop.add(p.pointId());
          }
        }
        incomplete.inc();
        out.get(INCOMPLETE).output(KV.of(doc.getKey(), drop));
      }
    }

    private static <T> T first(Iterator<T> it) {
      return it.hasNext() ? it.next() : null;
    }
  }

  /** Deletes stale points, then writes entries, for up to {@code maxBatch} documents at a time. */
  static final class CommitFn
      extends DoFn<KV<Integer, Iterable<KV<Boolean, ManifestEntry>>>, Void> {
    private final Counter committed = Metrics.counter(CommitDocuments.class, "documents_committed");
    private final QdrantConnection connection;
    private final String collection;
    private final int maxBatch;

    CommitFn(QdrantConnection connection, String collection, int maxBatch) {
      this.connection = connection;
      this.collection = collection;
      this.maxBatch = maxBatch;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<Boolean, ManifestEntry>>> group) {
      List<KV<Boolean, ManifestEntry>> batch = new ArrayList<>();
      for (KV<Boolean, ManifestEntry> e : group.getValue()) {
        batch.add(e);
        if (batch.size() >= maxBatch) {
          commit(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        commit(batch);
      }
    }

    private void commit(List<KV<Boolean, ManifestEntry>> batch) {
      List<String> docs = new ArrayList<>();
      List<PointId> keep = new ArrayList<>();
      List<ManifestEntry> entries = new ArrayList<>();
      for (KV<Boolean, ManifestEntry> kv : batch) {
        ManifestEntry e = kv.getValue();
        entries.add(e);
        if (kv.getKey()) {
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
    }
  }

  /** Removes the points incomplete documents added; their entries stay as they were. */
  static final class RollbackFn
      extends DoFn<KV<Integer, Iterable<KV<String, List<String>>>>, Void> {
    private final QdrantConnection connection;
    private final String collection;

    RollbackFn(QdrantConnection connection, String collection) {
      this.connection = connection;
      this.collection = collection;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<String, List<String>>>> group) {
      List<PointId> drop = new ArrayList<>();
      for (KV<String, List<String>> doc : group.getValue()) {
        for (String id : doc.getValue()) {
          drop.add(PointIdFactory.id(UUID.fromString(id)));
        }
      }
      QdrantCollections.deleteIds(connection.client(), collection, drop);
    }
  }
}
