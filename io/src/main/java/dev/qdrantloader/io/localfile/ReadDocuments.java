package dev.qdrantloader.io.localfile;

import dev.qdrantloader.transforms.beam.CachedSideInput;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import dev.qdrantloader.transforms.model.SourceFile;
import dev.qdrantloader.transforms.resources.ResourceLimits;
import dev.qdrantloader.transforms.resources.ResourceMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Lists and reads the files of {@code localfile} sources through Beam's FileSystems, so local paths
 * and any Beam filesystem ({@code gs://} with the GCP IO module) work alike. A file over its
 * source's size limit, or one that cannot be read, becomes a {@link Failure}; the rest of the run
 * goes on. Before reading a file's bytes, each read waits for headroom while the JVM is short of
 * heap or CPU ({@link #withResourceLimits}); metrics of that are under {@link ResourceMonitor}.
 */
public final class ReadDocuments extends PTransform<PBegin, ReadDocuments.Result> {
  private final List<LocalFileSpec> sources;
  private final int spreadBuckets;
  private final PCollectionView<Map<String, ManifestEntry>> known;
  private final ResourceLimits resources;

  private ReadDocuments(
      List<LocalFileSpec> sources,
      int spreadBuckets,
      PCollectionView<Map<String, ManifestEntry>> known,
      ResourceLimits resources) {
    this.sources = sources;
    this.spreadBuckets = spreadBuckets;
    this.known = known;
    this.resources = resources;
  }

  /**
   * Reads {@code sources}, each listed file spread to its own random key, slowed down under the
   * default {@link ResourceLimits}.
   */
  public static ReadDocuments from(List<LocalFileSpec> sources) {
    if (sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException("ReadDocuments needs at least one source");
    }
    return new ReadDocuments(List.copyOf(sources), 0, null, ResourceLimits.defaults());
  }

  /**
   * Spreads the listed files over {@code buckets} random keys before reading (0: a key per file).
   * Fewer keys mean fewer, larger bundles: the DirectRunner pays a fixed cost per bundle and step.
   */
  public ReadDocuments withSpreadBuckets(int buckets) {
    if (buckets < 0) {
      throw new IllegalArgumentException("buckets must not be negative, got " + buckets);
    }
    return new ReadDocuments(sources, buckets, known, resources);
  }

  /**
   * Files whose listed size and modification time equal those of their entry in {@code entries} (by
   * document id) are not read: they come out with {@code null} bytes, which {@code DiffDocuments}
   * classifies as unchanged by that same fingerprint. Counted as {@code documents_not_read}.
   */
  public ReadDocuments withKnownFiles(PCollectionView<Map<String, ManifestEntry>> entries) {
    return new ReadDocuments(sources, spreadBuckets, entries, resources);
  }

  /**
   * While the heap in use after garbage collection or the process's CPU is over {@code limits},
   * each file waits before its bytes are read (at most the limits' {@code maxWait}, then it is read
   * anyway); files that are not read (unchanged, too large, filtered out) never wait.
   */
  public ReadDocuments withResourceLimits(ResourceLimits limits) {
    if (limits == null) {
      throw new IllegalArgumentException("resource limits must not be null");
    }
    return new ReadDocuments(sources, spreadBuckets, known, limits);
  }

  static final TupleTag<SourceFile> FILES = new TupleTag<SourceFile>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  @Override
  public Result expand(PBegin begin) {
    List<PCollection<SourceFile>> files = new ArrayList<>();
    List<PCollection<Failure>> failures = new ArrayList<>();
    // Every source's reads share one monitor per JVM for this run.
    Intake intake = new Intake(UUID.randomUUID().toString(), resources);
    for (LocalFileSpec spec : sources) {
      String name = spec.projectId() + "/" + spec.source();
      PCollection<MatchResult.Metadata> listed =
          begin
              .apply("Pattern " + name, Create.of(new SourceListing(spec).pattern()))
              .apply("List " + name, ParDo.of(new ListFn()))
              .setCoder(MetadataCoderV2.of());
      PCollectionTuple read =
          listed
              .apply(
                  "Spread " + name,
                  spreadBuckets > 0
                      ? new SpreadOver(spreadBuckets)
                      : Reshuffle.<MatchResult.Metadata>viaRandomKey())
              .apply(
                  "Read " + name,
                  known == null
                      ? ParDo.of(new ReadFn(spec, null, intake))
                          .withOutputTags(FILES, TupleTagList.of(FAILED))
                      : ParDo.of(new ReadFn(spec, known, intake))
                          .withSideInputs(known)
                          .withOutputTags(FILES, TupleTagList.of(FAILED)));
      files.add(read.get(FILES).setCoder(ModelCoders.sourceFiles()));
      failures.add(read.get(FAILED).setCoder(ModelCoders.failures()));
    }
    return new Result(
        begin.getPipeline(),
        PCollectionList.of(files).apply("AllFiles", Flatten.pCollections()),
        PCollectionList.of(failures).apply("AllReadFailures", Flatten.pCollections()));
  }

  /**
   * Lists what a file pattern matches, through Beam's FileSystems (so any registered filesystem
   * works). Unlike {@code FileIO.match()} it adds no reshuffle of its own: spreading is the next
   * step's choice.
   */
  static final class ListFn extends DoFn<String, MatchResult.Metadata> {
    @ProcessElement
    public void process(@Element String pattern, OutputReceiver<MatchResult.Metadata> out)
        throws IOException {
      MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
      if (match.status() == MatchResult.Status.NOT_FOUND) {
        return;
      }
      for (MatchResult.Metadata m : match.metadata()) {
        out.output(m);
      }
    }
  }

  /**
   * Spreads listed files over a fixed number of keys (a hash of the path) with a GroupByKey; each
   * group is read as one bundle.
   */
  static final class SpreadOver
      extends PTransform<PCollection<MatchResult.Metadata>, PCollection<MatchResult.Metadata>> {
    private final int buckets;

    SpreadOver(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public PCollection<MatchResult.Metadata> expand(PCollection<MatchResult.Metadata> files) {
      final int n = buckets;
      return files
          .apply(
              "Key",
              WithKeys.<Integer, MatchResult.Metadata>of(
                      m -> Math.floorMod(m.resourceId().toString().hashCode(), n))
                  .withKeyType(TypeDescriptors.integers()))
          .setCoder(KvCoder.of(VarIntCoder.of(), files.getCoder()))
          .apply("Group", GroupByKey.create())
          .apply(
              "Ungroup",
              ParDo.of(
                  new DoFn<KV<Integer, Iterable<MatchResult.Metadata>>, MatchResult.Metadata>() {
                    @ProcessElement
                    public void process(
                        @Element KV<Integer, Iterable<MatchResult.Metadata>> group,
                        OutputReceiver<MatchResult.Metadata> out) {
                      for (MatchResult.Metadata m : group.getValue()) {
                        out.output(m);
                      }
                    }
                  }))
          .setCoder(files.getCoder());
    }
  }

  /** Files read, and files that could not be read. */
  public static final class Result extends OutputWithFailures<SourceFile> {
    Result(Pipeline pipeline, PCollection<SourceFile> files, PCollection<Failure> failures) {
      super(pipeline, FILES, files, FAILED, failures);
    }

    public PCollection<SourceFile> files() {
      return output();
    }
  }

  /** Which monitor paces the reads: the run's, under its limits. Serializable. */
  record Intake(String run, ResourceLimits limits) implements java.io.Serializable {
    ResourceMonitor monitor() {
      return ResourceMonitor.forRun(run, limits);
    }
  }

  /** Filters one listed file and reads it (up to the size limit). */
  static final class ReadFn extends DoFn<MatchResult.Metadata, SourceFile> {
    private final LocalFileSpec spec;
    private final Intake intake;
    private transient ResourceMonitor monitor;
    private final Counter listed = Metrics.counter(ReadDocuments.class, "documents_listed");
    private final Counter read = Metrics.counter(ReadDocuments.class, "documents_read");
    private final Counter failed = Metrics.counter(ReadDocuments.class, "documents_failed");
    private final Distribution micros = Metrics.distribution(ReadDocuments.class, "read_micros");
    private final Counter notRead = Metrics.counter(ReadDocuments.class, "documents_not_read");
    private final SourceListing listing;
    private final CachedSideInput<Map<String, ManifestEntry>> known;

    ReadFn(LocalFileSpec spec, PCollectionView<Map<String, ManifestEntry>> known, Intake intake) {
      this.spec = spec;
      this.intake = intake;
      this.listing = new SourceListing(spec);
      this.known = known == null ? null : CachedSideInput.of(known);
    }

    @Setup
    public void setup() {
      monitor = intake.monitor();
    }

    @ProcessElement
    public void process(
        @Element MatchResult.Metadata file,
        ProcessContext context,
        BoundedWindow window,
        MultiOutputReceiver out) {
      long start = System.nanoTime();
      long waited = 0;
      try {
        waited = read(file, known == null ? null : known.get(context, window), out);
      } finally {
        micros.update((System.nanoTime() - start - waited) / 1_000);
      }
    }

    /** Reads one file; returns the nanoseconds it waited for headroom first. */
    private long read(
        MatchResult.Metadata file, Map<String, ManifestEntry> entries, MultiOutputReceiver out) {
      SourceListing.Listed doc = listing.describe(file);
      if (doc == null) {
        return 0;
      }
      listed.inc();
      String relative = doc.relativePath();
      ManifestEntry entry = entries == null ? null : entries.get(doc.documentId());
      if (entry != null && entry.matchesListing(file.sizeBytes(), doc.lastModifiedMillis())) {
        notRead.inc();
        out.get(FILES).output(sourceFile(doc, file.sizeBytes(), null));
        return 0;
      }
      if (file.sizeBytes() > spec.maxFileSize()) {
        fail(
            out,
            relative,
            "file is "
                + file.sizeBytes()
                + " bytes, over the source's max_file_size of "
                + spec.maxFileSize()
                + " bytes");
        return 0;
      }
      // Only here does the run take on memory: the file's bytes, then their text and chunks.
      long waited = monitor.awaitHeadroom().toNanos();
      byte[] bytes;
      try (ReadableByteChannel channel = FileSystems.open(file.resourceId());
          InputStream in = Channels.newInputStream(channel)) {
        bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, spec.maxFileSize() + 1));
      } catch (IOException | RuntimeException e) {
        fail(
            out,
            relative,
            "cannot read the file: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return waited;
      }
      if (bytes.length > spec.maxFileSize()) {
        fail(out, relative, "file grew over the source's max_file_size while being read");
        return waited;
      }
      read.inc();
      out.get(FILES).output(sourceFile(doc, bytes.length, bytes));
      return waited;
    }

    private SourceFile sourceFile(SourceListing.Listed doc, long sizeBytes, byte[] bytes) {
      return new SourceFile(
          doc.documentId(),
          spec.projectId(),
          LocalFileSpec.SOURCE_TYPE,
          spec.source(),
          doc.relativePath(),
          doc.url(),
          sizeBytes,
          doc.lastModifiedMillis(),
          bytes);
    }

    private void fail(MultiOutputReceiver out, String path, String reason) {
      failed.inc();
      out.get(FAILED).output(new Failure("read", spec.projectId(), spec.source(), path, reason));
    }
  }
}
