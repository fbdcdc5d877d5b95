package dev.qdrantloader.transforms.diff;

import dev.qdrantloader.transforms.beam.CachedSideInput;
import dev.qdrantloader.transforms.model.ChangedFile;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.SourceFile;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Compares the files listed and read this run with the manifest of what the collection holds, by
 * document id, before any conversion: a file is NEW (no entry), UNCHANGED (its size and
 * modification time are the entry's, or else its bytes' SHA-256 is), or CHANGED; an entry no listed
 * file matches is DELETED.
 *
 * <p>The manifest given must cover exactly what the run listed (the same projects and sources,
 * after any {@code --project}/{@code --source} filter): an entry outside it would be reported
 * DELETED although its source was simply not listed.
 *
 * <pre>{@code
 * DiffDocuments.Result diff = files.apply(DiffDocuments.against(manifestEntries));
 * diff.newFiles();   // convert, chunk, embed, write
 * diff.changed();    // the same, reusing vectors of unchanged chunk texts
 * diff.unchanged();  // nothing to do
 * diff.deleted();    // remove their points and entries
 * }</pre>
 */
public final class DiffDocuments extends PTransform<PCollection<SourceFile>, DiffDocuments.Result> {
  private final PCollection<ManifestEntry> manifest;
  private final boolean force;

  private DiffDocuments(PCollection<ManifestEntry> manifest, boolean force) {
    this.manifest = manifest;
    this.force = force;
  }

  /** Diffs against {@code manifest}, the entries of the listed scope. */
  public static DiffDocuments against(PCollection<ManifestEntry> manifest) {
    if (manifest == null) {
      throw new IllegalArgumentException("manifest must not be null");
    }
    return new DiffDocuments(manifest, false);
  }

  /**
   * With {@code force}, files whose bytes are as ingested still come out as CHANGED, so that
   * everything listed is converted and written again ({@code ingest --force}); they are counted as
   * {@code documents_unchanged} and {@code documents_forced}. NEW and DELETED are as without it.
   */
  public DiffDocuments withForce(boolean force) {
    return new DiffDocuments(manifest, force);
  }

  static final TupleTag<SourceFile> NEW = new TupleTag<>() {};
  static final TupleTag<ChangedFile> CHANGED = new TupleTag<>() {};
  static final TupleTag<ManifestEntry> UNCHANGED = new TupleTag<>() {};
  static final TupleTag<ManifestEntry> DELETED = new TupleTag<>() {};
  static final TupleTag<ManifestEntry> TOUCHED = new TupleTag<>() {};

  private static final TupleTag<KV<String, ManifestEntry>> MOVES = new TupleTag<>() {};
  private static final TupleTag<KV<String, Boolean>> LISTED_IDS = new TupleTag<>() {};

  @Override
  public Result expand(PCollection<SourceFile> files) {
    // Side inputs rather than a join by document id: the files keep the bundles they were read in
    // (a join would regroup them, and their raw bytes, by document), and only ids and entries
    // are materialised.
    PCollectionView<Map<String, ManifestEntry>> held =
        manifest
            .apply(
                "KeyEntries",
                WithKeys.<String, ManifestEntry>of(ManifestEntry::documentId)
                    .withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries()))
            .apply("EntriesById", View.asMap());
    PCollectionTuple out =
        files.apply(
            "Classify",
            ParDo.of(new ClassifyFn(held, force))
                .withSideInputs(held)
                .withOutputTags(
                    NEW, TupleTagList.of(CHANGED).and(UNCHANGED).and(TOUCHED).and(LISTED_IDS)));
    out.get(TOUCHED).setCoder(ModelCoders.manifestEntries());
    out.get(NEW).setCoder(ModelCoders.sourceFiles());
    out.get(CHANGED).setCoder(ModelCoders.changedFiles());
    out.get(UNCHANGED).setCoder(ModelCoders.manifestEntries());
    PCollectionView<Map<String, Boolean>> listed =
        out.get(LISTED_IDS)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of()))
            .apply("ListedIds", View.asMap());
    PCollection<ManifestEntry> deleted =
        manifest
            .apply("FindDeleted", ParDo.of(new DeletedFn(listed)).withSideInputs(listed))
            .setCoder(ModelCoders.manifestEntries());
    PCollectionTuple all =
        PCollectionTuple.of(NEW, out.get(NEW))
            .and(CHANGED, out.get(CHANGED))
            .and(UNCHANGED, out.get(UNCHANGED))
            .and(DELETED, deleted)
            .and(TOUCHED, out.get(TOUCHED));
    return new Result(all, moves(out.get(NEW), deleted));
  }

  private static final TupleTag<KV<String, String>> ARRIVED = new TupleTag<>() {};
  private static final TupleTag<ManifestEntry> LEFT = new TupleTag<>() {};

  /** Buckets of the move join: a few keys, not one per new file (a DirectRunner bundle each). */
  static final int MOVE_BUCKETS = 16;

  private static int bucket(String contentHash) {
    return Math.floorMod(contentHash.hashCode(), MOVE_BUCKETS);
  }

  /**
   * NEW files whose bytes equal a DELETED entry's: renames and moves, by content hash, joined over
   * {@value #MOVE_BUCKETS} buckets of hashes.
   */
  private static PCollection<KV<String, ManifestEntry>> moves(
      PCollection<SourceFile> arrived, PCollection<ManifestEntry> left) {
    PCollection<KV<Integer, KV<String, String>>> arrivedByHash =
        arrived
            .apply(
                "NewByHash",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(),
                            TypeDescriptors.kvs(
                                TypeDescriptors.strings(), TypeDescriptors.strings())))
                    .via(
                        f -> {
                          String hash = DocumentIds.sha256Hex(f.bytes());
                          return KV.of(bucket(hash), KV.of(hash, f.documentId()));
                        }))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    PCollection<KV<Integer, ManifestEntry>> leftByHash =
        left.apply(
                "DeletedByHash",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(), TypeDescriptor.of(ManifestEntry.class)))
                    .via(e -> KV.of(bucket(e.contentHash()), e)))
            .setCoder(KvCoder.of(VarIntCoder.of(), ModelCoders.manifestEntries()));
    return KeyedPCollectionTuple.of(ARRIVED, arrivedByHash)
        .and(LEFT, leftByHash)
        .apply("JoinByContentHash", CoGroupByKey.create())
        .apply("PairMoves", ParDo.of(new PairMovesFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries()));
  }

  /** Each new document with the same bytes as a vanished one gets that one's entry. */
  static final class PairMovesFn extends DoFn<KV<Integer, CoGbkResult>, KV<String, ManifestEntry>> {
    private final Counter moved = Metrics.counter(DiffDocuments.class, "documents_moved");

    @ProcessElement
    public void process(
        @Element KV<Integer, CoGbkResult> joined, OutputReceiver<KV<String, ManifestEntry>> out) {
      Map<String, ManifestEntry> from = new HashMap<>();
      for (ManifestEntry e : joined.getValue().getAll(LEFT)) {
        // Of several vanished documents with these bytes, the same one on every run and runner.
        from.merge(
            e.contentHash(), e, (a, b) -> a.documentId().compareTo(b.documentId()) <= 0 ? a : b);
      }
      if (from.isEmpty()) {
        return;
      }
      for (KV<String, String> arrived : joined.getValue().getAll(ARRIVED)) {
        ManifestEntry donor = from.get(arrived.getKey());
        if (donor != null) {
          moved.inc();
          out.output(KV.of(arrived.getValue(), donor));
        }
      }
    }
  }

  /** The four outcomes, each its own PCollection. */
  public static final class Result implements org.apache.beam.sdk.values.POutput {
    private final PCollectionTuple outputs;
    private final PCollection<KV<String, ManifestEntry>> moves;

    Result(PCollectionTuple outputs, PCollection<KV<String, ManifestEntry>> moves) {
      this.outputs = outputs;
      this.moves = moves;
    }

    /**
     * NEW files with exactly the bytes of a DELETED entry (a rename or move), keyed by the new
     * document id, with that entry: its points hold vectors the new document can reuse. They are
     * also in {@link #newFiles()} and {@link #deleted()}.
     */
    public PCollection<KV<String, ManifestEntry>> moves() {
      return moves;
    }

    /** Files the collection holds nothing for. */
    public PCollection<SourceFile> newFiles() {
      return outputs.get(NEW);
    }

    /** Files whose bytes changed, with what was ingested before. */
    public PCollection<ChangedFile> changed() {
      return outputs.get(CHANGED);
    }

    /** Entries of files whose bytes are as ingested: no work at all. */
    public PCollection<ManifestEntry> unchanged() {
      return outputs.get(UNCHANGED);
    }

    /**
     * Entries of UNCHANGED files whose size or time changed but not their bytes, with the new size
     * and time: to be written back so the next run's cheap check recognises them.
     */
    public PCollection<ManifestEntry> touched() {
      return outputs.get(TOUCHED);
    }

    /** Entries no listed file matches any more. */
    public PCollection<ManifestEntry> deleted() {
      return outputs.get(DELETED);
    }

    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return outputs.getPipeline();
    }

    @Override
    public java.util.Map<TupleTag<?>, org.apache.beam.sdk.values.PValue> expand() {
      java.util.Map<TupleTag<?>, org.apache.beam.sdk.values.PValue> all =
          new java.util.LinkedHashMap<>(outputs.expand());
      all.put(MOVES, moves);
      return all;
    }

    @Override
    public void finishSpecifyingOutput(
        String transformName,
        org.apache.beam.sdk.values.PInput input,
        PTransform<?, ?> transform) {}
  }

  /** A listed file against the entry of its document id, if any. */
  static final class ClassifyFn extends DoFn<SourceFile, SourceFile> {
    private final Counter newCount = Metrics.counter(DiffDocuments.class, "documents_new");
    private final Counter changedCount = Metrics.counter(DiffDocuments.class, "documents_changed");
    private final Counter unchangedCount =
        Metrics.counter(DiffDocuments.class, "documents_unchanged");
    private final Counter forcedCount = Metrics.counter(DiffDocuments.class, "documents_forced");
    private final Counter touchedCount = Metrics.counter(DiffDocuments.class, "documents_touched");
    private final CachedSideInput<Map<String, ManifestEntry>> held;
    private final boolean force;

    ClassifyFn(PCollectionView<Map<String, ManifestEntry>> held, boolean force) {
      this.held = CachedSideInput.of(held);
      this.force = force;
    }

    @ProcessElement
    public void process(
        @Element SourceFile file,
        ProcessContext context,
        BoundedWindow window,
        MultiOutputReceiver out) {
      out.get(LISTED_IDS).output(KV.of(file.documentId(), true));
      ManifestEntry entry = held.get(context, window).get(file.documentId());
      if (entry == null && file.bytes() == null) {
        throw new IllegalStateException("new file " + file.path() + " came without its bytes");
      } else if (entry == null) {
        newCount.inc();
        out.get(NEW).output(file);
      } else if (file.bytes() == null && !sameListing(file, entry)) {
        throw new IllegalStateException(
            "file "
                + file.path()
                + " came without its bytes although its size or time differ from its entry");
      } else if (sameListing(file, entry)
          || DocumentIds.sha256Hex(file.bytes()).equals(entry.contentHash())) {
        unchangedCount.inc();
        if (!sameListing(file, entry)) {
          // same bytes, new size or time (touched, copied back): remember the new listing so
          // the next run does not hash the file again
          touchedCount.inc();
          out.get(TOUCHED).output(entry.withListing(file.sizeBytes(), file.lastModifiedMillis()));
        }
        if (force) {
          forcedCount.inc();
          out.get(CHANGED).output(new ChangedFile(file, entry));
        } else {
          out.get(UNCHANGED).output(entry);
        }
      } else {
        changedCount.inc();
        out.get(CHANGED).output(new ChangedFile(file, entry));
      }
    }
  }

  /**
   * The cheap fingerprint: size and modification time as listed equal what the entry recorded (a
   * known time only). When they differ, the bytes' hash decides.
   */
  static boolean sameListing(SourceFile file, ManifestEntry entry) {
    return entry.matchesListing(file.sizeBytes(), file.lastModifiedMillis());
  }

  /** An entry no listed file matches. */
  static final class DeletedFn extends DoFn<ManifestEntry, ManifestEntry> {
    private final Counter deletedCount = Metrics.counter(DiffDocuments.class, "documents_deleted");
    private final CachedSideInput<Map<String, Boolean>> listed;

    DeletedFn(PCollectionView<Map<String, Boolean>> listed) {
      this.listed = CachedSideInput.of(listed);
    }

    @ProcessElement
    public void process(
        @Element ManifestEntry entry,
        ProcessContext context,
        BoundedWindow window,
        OutputReceiver<ManifestEntry> out) {
      if (!listed.get(context, window).containsKey(entry.documentId())) {
        deletedCount.inc();
        out.output(entry);
      }
    }
  }
}
