package dev.qdrantloader.transforms.chunk;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.Document;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import java.util.List;
import java.util.Objects;
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
 * Cuts documents into chunks an embedding model accepts whole: Markdown documents by headings
 * ({@link MarkdownChunker}), everything else as plain text ({@link TextChunker}), each chunk at
 * most {@link ChunkingOptions#maxTokens()} tokens as the model's {@link TokenCounter} counts it.
 *
 * <p>A document that yields no chunk (blank text) or whose chunking throws becomes a {@link
 * Failure} at stage {@code chunk}; it never fails the bundle. Chunks are not reshuffled here: the
 * embedding step keys them by point id to batch them, which already spreads a large document's
 * chunks over workers.
 *
 * <pre>{@code
 * ChunkDocuments.Result result =
 *     documents.apply(
 *         "ChunkDocuments", ChunkDocuments.with(tokenizers, new ChunkingOptions(512, 64)));
 * }</pre>
 */
public final class ChunkDocuments extends PTransform<PCollection<Document>, ChunkDocuments.Result> {
  /** The stage name in {@link Failure}s from this transform. */
  public static final String STAGE = "chunk";

  /** The reason given for a document without any text to index. */
  public static final String NO_TEXT = "no text to index";

  private static final TupleTag<Chunk> CHUNKS = new TupleTag<>() {};
  private static final TupleTag<Failure> FAILURES = new TupleTag<>() {};

  private final TokenCounterFactory tokenCounterFactory;
  private final ChunkingOptions options;

  private ChunkDocuments(TokenCounterFactory tokenCounterFactory, ChunkingOptions options) {
    this.tokenCounterFactory = tokenCounterFactory;
    this.options = options;
  }

  /**
   * Chunks with counters from {@code tokenCounterFactory} (created once per DoFn instance) within
   * the limits of {@code options}.
   */
  public static ChunkDocuments with(
      TokenCounterFactory tokenCounterFactory, ChunkingOptions options) {
    Objects.requireNonNull(tokenCounterFactory, "tokenCounterFactory must not be null");
    Objects.requireNonNull(options, "options must not be null");
    return new ChunkDocuments(tokenCounterFactory, options);
  }

  @Override
  public Result expand(PCollection<Document> documents) {
    PCollectionTuple outputs =
        documents.apply(
            "ChunkFn",
            ParDo.of(new ChunkFn(tokenCounterFactory, options))
                .withOutputTags(CHUNKS, TupleTagList.of(FAILURES)));
    PCollection<Chunk> chunks = outputs.get(CHUNKS).setCoder(ModelCoders.chunks());
    PCollection<Failure> failures = outputs.get(FAILURES).setCoder(ModelCoders.failures());
    return new Result(documents.getPipeline(), chunks, failures);
  }

  /**
   * What {@link ChunkDocuments} produces: the chunks, and one failure per document that yielded
   * none.
   */
  public static final class Result extends OutputWithFailures<Chunk> {
    Result(Pipeline pipeline, PCollection<Chunk> chunks, PCollection<Failure> failures) {
      super(pipeline, CHUNKS, chunks, FAILURES, failures);
    }

    public PCollection<Chunk> chunks() {
      return output();
    }
  }

  /** Chunks one document; creates its token counter and chunkers once per instance. */
  static final class ChunkFn extends DoFn<Document, Chunk> {
    private final Counter chunksEmitted = Metrics.counter(ChunkDocuments.class, "chunks_emitted");
    private final Counter documentsChunked =
        Metrics.counter(ChunkDocuments.class, "documents_chunked");
    private final Counter documentsFailed =
        Metrics.counter(ChunkDocuments.class, "documents_failed");
    private final Distribution chunkTokens =
        Metrics.distribution(ChunkDocuments.class, "chunk_tokens");
    private final Distribution micros = Metrics.distribution(ChunkDocuments.class, "chunk_micros");

    private final TokenCounterFactory tokenCounterFactory;
    private final ChunkingOptions options;
    private transient Chunker markdownChunker;
    private transient Chunker textChunker;

    ChunkFn(TokenCounterFactory tokenCounterFactory, ChunkingOptions options) {
      this.tokenCounterFactory = tokenCounterFactory;
      this.options = options;
    }

    @Setup
    public void setup() {
      TokenCounter counter = tokenCounterFactory.create();
      markdownChunker = new MarkdownChunker(counter, options);
      textChunker = new TextChunker(counter, options);
    }

    @ProcessElement
    public void processElement(@Element Document document, MultiOutputReceiver out) {
      long start = System.nanoTime();
      try {
        chunk(document, out);
      } finally {
        micros.update((System.nanoTime() - start) / 1_000);
      }
    }

    private void chunk(Document document, MultiOutputReceiver out) {
      Chunker chunker =
          Document.FORMAT_MARKDOWN.equals(document.format()) ? markdownChunker : textChunker;
      List<ChunkedText> pieces;
      try {
        pieces = chunker.chunk(document.text());
      } catch (RuntimeException e) {
        fail(document, reason(e), out);
        return;
      }
      if (pieces.isEmpty()) {
        fail(document, NO_TEXT, out);
        return;
      }
      for (int i = 0; i < pieces.size(); i++) {
        ChunkedText piece = pieces.get(i);
        out.get(CHUNKS)
            .output(
                new Chunk(
                    document.documentId(),
                    document.projectId(),
                    document.sourceType(),
                    document.source(),
                    document.path(),
                    document.url(),
                    document.title(),
                    document.mimeType(),
                    i,
                    pieces.size(),
                    piece.text(),
                    piece.headingPath(),
                    document.contentHash(),
                    DocumentIds.sha256Hex(piece.text()),
                    piece.tokenCount(),
                    document.lastModifiedMillis()));
        chunkTokens.update(piece.tokenCount());
      }
      chunksEmitted.inc(pieces.size());
      documentsChunked.inc();
    }

    private void fail(Document document, String reason, MultiOutputReceiver out) {
      documentsFailed.inc();
      out.get(FAILURES)
          .output(
              new Failure(STAGE, document.projectId(), document.source(), document.path(), reason));
    }

    private static String reason(RuntimeException e) {
      String message = e.getMessage();
      return "chunking failed: "
          + e.getClass().getSimpleName()
          + (message == null || message.isBlank() ? "" : ": " + message);
    }
  }
}
