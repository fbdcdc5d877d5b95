package dev.qdrantloader.io.convert;

import dev.qdrantloader.transforms.model.Document;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import dev.qdrantloader.transforms.model.SourceFile;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Converts listed files to {@link Document}s with a {@link DocumentConverter}. Every file comes out
 * either as a document or as a {@link Failure} of stage {@code convert} with its reason: a file
 * with no bytes, one over the size limit, or one the converter refuses. Failures never stop the
 * run.
 *
 * <p>Metrics (namespace {@code ConvertDocuments}): counters {@code documents_converted} and {@code
 * documents_failed}, distribution {@code conversion_millis} (time in the converter per file).
 */
public final class ConvertDocuments
    extends PTransform<PCollection<SourceFile>, ConvertDocuments.Result> {
  static final TupleTag<Document> DOCUMENTS = new TupleTag<Document>() {};
  static final TupleTag<Failure> FAILURES = new TupleTag<Failure>() {};

  static final String STAGE = "convert";

  private final ConversionLimits limits;

  private ConvertDocuments(ConversionLimits limits) {
    this.limits = limits;
  }

  /** Converts under {@code limits} (see {@link ConversionLimits#defaults()}). */
  public static ConvertDocuments with(ConversionLimits limits) {
    if (limits == null) {
      throw new IllegalArgumentException("limits must not be null");
    }
    return new ConvertDocuments(limits);
  }

  @Override
  public Result expand(PCollection<SourceFile> files) {
    PCollectionTuple out =
        files.apply(
            "Convert",
            ParDo.of(new ConvertFn(limits)).withOutputTags(DOCUMENTS, TupleTagList.of(FAILURES)));
    return new Result(
        files.getPipeline(),
        out.get(DOCUMENTS).setCoder(ModelCoders.documents()),
        out.get(FAILURES).setCoder(ModelCoders.failures()));
  }

  /** The converted documents and the files that could not be converted. */
  public static final class Result extends OutputWithFailures<Document> {
    Result(Pipeline pipeline, PCollection<Document> documents, PCollection<Failure> failures) {
      super(pipeline, DOCUMENTS, documents, FAILURES, failures);
    }

    public PCollection<Document> documents() {
      return output();
    }
  }

  /** Converts one file per element; metrics are counted on the DoFn thread. */
  static final class ConvertFn extends DoFn<SourceFile, Document> {
    private final ConversionLimits limits;
    private final Counter converted =
        Metrics.counter(ConvertDocuments.class, "documents_converted");
    private final Counter failed = Metrics.counter(ConvertDocuments.class, "documents_failed");
    private final Distribution millis =
        Metrics.distribution(ConvertDocuments.class, "conversion_millis");

    private transient DocumentConverter converter;

    ConvertFn(ConversionLimits limits) {
      this.limits = limits;
    }

    @Setup
    public void setup() {
      converter = new DocumentConverter(limits);
    }

    @ProcessElement
    public void process(@Element SourceFile file, MultiOutputReceiver out) {
      if (file.sizeBytes() > limits.maxFileSizeBytes()) {
        fail(out, file, DocumentConverter.overSize(file.sizeBytes(), limits));
        return;
      }
      if (file.bytes() == null) {
        fail(out, file, "file content was not read");
        return;
      }
      long start = System.nanoTime();
      ConvertedText text;
      try {
        text = converter.convert(file.path(), file.bytes());
      } catch (ConversionException e) {
        fail(out, file, e.reason());
        return;
      } finally {
        millis.update((System.nanoTime() - start) / 1_000_000);
      }
      converted.inc();
      out.get(DOCUMENTS)
          .output(
              new Document(
                  file.documentId(),
                  file.projectId(),
                  file.sourceType(),
                  file.source(),
                  file.path(),
                  file.url(),
                  text.title(),
                  text.mimeType(),
                  text.format(),
                  text.text(),
                  DocumentIds.sha256Hex(file.bytes()),
                  file.lastModifiedMillis()));
    }

    private void fail(MultiOutputReceiver out, SourceFile file, String reason) {
      failed.inc();
      out.get(FAILURES)
          .output(new Failure(STAGE, file.projectId(), file.source(), file.path(), reason));
    }
  }
}
