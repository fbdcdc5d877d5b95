package dev.qdrantloader.transforms.embed;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Embeds chunks: a shard key, {@link GroupIntoBatches} (bounded by count and buffering time), then
 * one embedding call per batch. Every chunk comes out either embedded or as a {@link Failure}: a
 * chunk over the model's input window is refused with its token count (never truncated), and a
 * batch that fails is retried input by input so only the failing inputs are reported.
 */
public final class EmbedChunks extends PTransform<PCollection<Chunk>, EmbedChunks.Result> {
  private final EmbedderFactory embedder;
  private final int batchSize;
  private final int shards;
  private final Duration maxBuffering;

  private EmbedChunks(EmbedderFactory embedder, int batchSize, int shards, Duration maxBuffering) {
    this.embedder = embedder;
    this.batchSize = batchSize;
    this.shards = shards;
    this.maxBuffering = maxBuffering;
  }

  /** Batches of 32, 8 shards, 5 s maximum buffering. */
  public static EmbedChunks with(EmbedderFactory embedder) {
    if (embedder == null) {
      throw new IllegalArgumentException("embedder factory must not be null");
    }
    return new EmbedChunks(embedder, 32, 8, Duration.standardSeconds(5));
  }

  public EmbedChunks withBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
    }
    return new EmbedChunks(embedder, size, shards, maxBuffering);
  }

  /** How many keys batches are formed under: the parallelism of the embedding step. */
  public EmbedChunks withShards(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + count);
    }
    return new EmbedChunks(embedder, batchSize, count, maxBuffering);
  }

  public EmbedChunks withMaxBuffering(Duration duration) {
    if (duration == null || duration.getMillis() <= 0) {
      throw new IllegalArgumentException("maxBuffering must be positive, got " + duration);
    }
    return new EmbedChunks(embedder, batchSize, shards, duration);
  }

  static final TupleTag<EmbeddedChunk> EMBEDDED = new TupleTag<EmbeddedChunk>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  @Override
  public Result expand(PCollection<Chunk> chunks) {
    final int shardCount = shards;
    PCollection<KV<Integer, Chunk>> keyed =
        chunks
            .apply(
                "ShardByPoint",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(),
                            new org.apache.beam.sdk.values.TypeDescriptor<Chunk>() {}))
                    .via(c -> KV.of(Math.floorMod(c.pointId().hashCode(), shardCount), c)))
            .setCoder(KvCoder.of(VarIntCoder.of(), ModelCoders.chunks()));
    PCollectionTuple out =
        keyed
            .apply(
                "Batch",
                GroupIntoBatches.<Integer, Chunk>ofSize(batchSize)
                    .withMaxBufferingDuration(maxBuffering))
            .apply(
                "Embed",
                ParDo.of(new EmbedFn(embedder)).withOutputTags(EMBEDDED, TupleTagList.of(FAILED)));
    return new Result(
        chunks.getPipeline(),
        out.get(EMBEDDED).setCoder(ModelCoders.embeddedChunks()),
        out.get(FAILED).setCoder(ModelCoders.failures()));
  }

  /** Embedded chunks and the chunks that could not be embedded. */
  public static final class Result extends OutputWithFailures<EmbeddedChunk> {
    Result(Pipeline pipeline, PCollection<EmbeddedChunk> embedded, PCollection<Failure> failures) {
      super(pipeline, EMBEDDED, embedded, FAILED, failures);
    }

    public PCollection<EmbeddedChunk> embedded() {
      return output();
    }
  }

  /** Embeds one batch per call; metrics are counted on the DoFn thread. */
  static final class EmbedFn extends DoFn<KV<Integer, Iterable<Chunk>>, EmbeddedChunk> {
    private final EmbedderFactory factory;
    private final Counter embedded = Metrics.counter(EmbedChunks.class, "embeddings_computed");
    private final Counter failed = Metrics.counter(EmbedChunks.class, "chunks_failed");
    private final Counter calls = Metrics.counter(EmbedChunks.class, "embedding_calls");
    private final Distribution batchSizes = Metrics.distribution(EmbedChunks.class, "batch_size");
    private final Distribution millis = Metrics.distribution(EmbedChunks.class, "embed_millis");
    private transient Embedder embedder;

    EmbedFn(EmbedderFactory factory) {
      this.factory = factory;
    }

    @Setup
    public void setup() {
      embedder = factory.create();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Chunk>> batch, MultiOutputReceiver out) {
      List<Chunk> accepted = new ArrayList<>();
      int window = embedder.maxInputTokens();
      for (Chunk c : batch.getValue()) {
        if (c.tokenCount() > window) {
          fail(
              out,
              c,
              "chunk "
                  + c.chunkIndex()
                  + " has "
                  + c.tokenCount()
                  + " tokens, over the model's window of "
                  + window
                  + " (it would be truncated)");
        } else {
          accepted.add(c);
        }
      }
      if (accepted.isEmpty()) {
        return;
      }
      List<float[]> vectors;
      try {
        vectors = call(accepted);
      } catch (RuntimeException batchFailure) {
        // Isolate: only the inputs that fail on their own are reported.
        for (Chunk c : accepted) {
          try {
            emit(out, c, call(List.of(c)).get(0));
          } catch (RuntimeException e) {
            fail(out, c, "embedding failed: " + e.getMessage());
          }
        }
        return;
      }
      for (int i = 0; i < accepted.size(); i++) {
        emit(out, accepted.get(i), vectors.get(i));
      }
    }

    private List<float[]> call(List<Chunk> chunks) {
      List<String> texts = new ArrayList<>(chunks.size());
      for (Chunk c : chunks) {
        texts.add(c.text());
      }
      long t0 = System.nanoTime();
      List<float[]> vectors = embedder.embed(texts);
      millis.update((System.nanoTime() - t0) / 1_000_000);
      calls.inc();
      batchSizes.update(chunks.size());
      if (vectors.size() != chunks.size()) {
        throw new IllegalStateException(
            "embedder returned " + vectors.size() + " vectors for " + chunks.size() + " inputs");
      }
      return vectors;
    }

    private void emit(MultiOutputReceiver out, Chunk c, float[] vector) {
      embedded.inc();
      out.get(EMBEDDED).output(new EmbeddedChunk(c, vector));
    }

    private void fail(MultiOutputReceiver out, Chunk c, String reason) {
      failed.inc();
      out.get(FAILED).output(new Failure("embed", c.projectId(), c.source(), c.path(), reason));
    }
  }
}
