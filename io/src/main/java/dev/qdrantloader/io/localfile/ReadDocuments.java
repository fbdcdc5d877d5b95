package dev.qdrantloader.io.localfile;

import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import dev.qdrantloader.transforms.model.SourceFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Lists and reads the files of {@code localfile} sources through Beam's FileIO, so local paths and
 * any Beam filesystem ({@code gs://} with the GCP IO module) work alike. A file over its source's
 * size limit, or one that cannot be read, becomes a {@link Failure}; the rest of the run goes on.
 */
public final class ReadDocuments extends PTransform<PBegin, ReadDocuments.Result> {
  private final List<LocalFileSpec> sources;

  private ReadDocuments(List<LocalFileSpec> sources) {
    this.sources = sources;
  }

  public static ReadDocuments from(List<LocalFileSpec> sources) {
    if (sources == null || sources.isEmpty()) {
      throw new IllegalArgumentException("ReadDocuments needs at least one source");
    }
    return new ReadDocuments(List.copyOf(sources));
  }

  static final TupleTag<SourceFile> FILES = new TupleTag<SourceFile>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  @Override
  public Result expand(PBegin begin) {
    List<PCollection<SourceFile>> files = new ArrayList<>();
    List<PCollection<Failure>> failures = new ArrayList<>();
    for (LocalFileSpec spec : sources) {
      String name = spec.projectId() + "/" + spec.source();
      PCollectionTuple read =
          begin
              .apply(
                  "List " + name,
                  FileIO.match()
                      .filepattern(spec.normalizedBase() + "/**")
                      .withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW))
              .apply("Spread " + name, Reshuffle.viaRandomKey())
              .apply(
                  "Read " + name,
                  ParDo.of(new ReadFn(spec)).withOutputTags(FILES, TupleTagList.of(FAILED)));
      files.add(read.get(FILES).setCoder(ModelCoders.sourceFiles()));
      failures.add(read.get(FAILED).setCoder(ModelCoders.failures()));
    }
    return new Result(
        begin.getPipeline(),
        PCollectionList.of(files).apply("AllFiles", Flatten.pCollections()),
        PCollectionList.of(failures).apply("AllReadFailures", Flatten.pCollections()));
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

  /** Filters one listed file and reads it (up to the size limit). */
  static final class ReadFn extends DoFn<MatchResult.Metadata, SourceFile> {
    private final LocalFileSpec spec;
    private final Counter listed = Metrics.counter(ReadDocuments.class, "documents_listed");
    private final Counter read = Metrics.counter(ReadDocuments.class, "documents_read");
    private final Counter failed = Metrics.counter(ReadDocuments.class, "documents_failed");
    private transient PathFilter filter;
    private transient String basePrefix;

    ReadFn(LocalFileSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      filter = new PathFilter(spec);
      String base = spec.normalizedBase();
      basePrefix = base.endsWith("/") ? base : base + "/";
    }

    @ProcessElement
    public void process(@Element MatchResult.Metadata file, MultiOutputReceiver out) {
      if (file.resourceId().isDirectory()) {
        return;
      }
      String full = file.resourceId().toString();
      if (!full.startsWith(basePrefix)) {
        return;
      }
      String relative = DocumentIds.normalizePath(full.substring(basePrefix.length()));
      if (!filter.accepts(relative)) {
        return;
      }
      listed.inc();
      String documentId =
          DocumentIds.documentId(spec.projectId(), "localfile", spec.source(), relative);
      String url = full.contains("://") ? full : "file://" + full;
      long modified = file.lastModifiedMillis();
      if (modified <= 0 && !full.contains("://")) {
        // Beam's local listing does not always carry the time: ask the file system.
        try {
          modified =
              java.nio.file.Files.getLastModifiedTime(java.nio.file.Paths.get(full)).toMillis();
        } catch (IOException | RuntimeException ignored) {
          modified = 0; // unknown; the read below reports a file that is really gone
        }
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
        return;
      }
      byte[] bytes;
      try (ReadableByteChannel channel = FileSystems.open(file.resourceId());
          InputStream in = Channels.newInputStream(channel)) {
        bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, spec.maxFileSize() + 1));
      } catch (IOException | RuntimeException e) {
        fail(
            out,
            relative,
            "cannot read the file: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return;
      }
      if (bytes.length > spec.maxFileSize()) {
        fail(out, relative, "file grew over the source's max_file_size while being read");
        return;
      }
      read.inc();
      out.get(FILES)
          .output(
              new SourceFile(
                  documentId,
                  spec.projectId(),
                  "localfile",
                  spec.source(),
                  relative,
                  url,
                  bytes.length,
                  modified,
                  bytes));
    }

    private void fail(MultiOutputReceiver out, String path, String reason) {
      failed.inc();
      out.get(FAILED).output(new Failure("read", spec.projectId(), spec.source(), path, reason));
    }
  }
}
