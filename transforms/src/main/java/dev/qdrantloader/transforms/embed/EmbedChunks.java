package dev.qdrantloader.transforms.embed;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Embeds chunks in batches, one embedding call per batch. Every chunk comes out either embedded or
 * as a {@link Failure}: a chunk over the model's input window is refused with its token count
 * (never truncated), and a batch that fails is retried input by input so only the failing inputs
 * are reported.
 *
 * <p>Two ways to form batches ({@link Batching}): {@link GroupIntoBatches} on a shard key, which
 * fills batches across bundles but needs a runner with state and timers, or batches cut within each
 * bundle, which needs nothing from the runner and adds no shuffle.
 */
public final class EmbedChunks extends PTransform<PCollection<Chunk>, EmbedChunks.Result> {
  /** How chunks are gathered into embedding calls. */
  public enum Batching {
    /**
     * A shard key and {@link GroupIntoBatches} (by count, and in a stream by buffering time): full
     * batches whatever the bundles. Not on the classic Spark runner, which rejects it.
     */
    GROUP_INTO_BATCHES,
    /**
     * Batches cut within each bundle, the rest flushed when the bundle finishes: no shuffle and no
     * state, so any runner; batches are full as long as bundles hold more chunks than a batch.
     */
    BUNDLE
  }

  private final EmbedderFactory embedder;
  private final int batchSize;
  private final int shards;
  private final Duration maxBuffering;
  private final Batching batching;

  private EmbedChunks(
      EmbedderFactory embedder,
      int batchSize,
      int shards,
      Duration maxBuffering,
      Batching batching) {
    this.embedder = embedder;
    this.batchSize = batchSize;
    this.shards = shards;
    this.maxBuffering = maxBuffering;
    this.batching = batching;
  }

  /** Batches of 32 with GroupIntoBatches over 8 shards, 5 s maximum buffering in a stream. */
  public static EmbedChunks with(EmbedderFactory embedder) {
    if (embedder == null) {
      throw new IllegalArgumentException("embedder factory must not be null");
    }
    return new EmbedChunks(
        embedder, 32, 8, Duration.standardSeconds(5), Batching.GROUP_INTO_BATCHES);
  }

  public EmbedChunks withBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
    }
    return new EmbedChunks(embedder, size, shards, maxBuffering, batching);
  }

  /** How many keys GroupIntoBatches forms batches under: the parallelism of the embedding step. */
  public EmbedChunks withShards(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + count);
    }
    return new EmbedChunks(embedder, batchSize, count, maxBuffering, batching);
  }

  /** In a stream, how long GroupIntoBatches holds a part-filled batch. */
  public EmbedChunks withMaxBuffering(Duration duration) {
    if (duration == null || duration.getMillis() <= 0) {
      throw new IllegalArgumentException("maxBuffering must be positive, got " + duration);
    }
    return new EmbedChunks(embedder, batchSize, shards, duration, batching);
  }

  public EmbedChunks withBatching(Batching how) {
    if (how == null) {
      throw new IllegalArgumentException("batching must not be null");
    }
    return new EmbedChunks(embedder, batchSize, shards, maxBuffering, how);
  }

  static final TupleTag<EmbeddedChunk> EMBEDDED = new TupleTag<EmbeddedChunk>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  @Override
  public Result expand(PCollection<Chunk> chunks) {
    PCollectionTuple out =
        batching == Batching.BUNDLE
            ? chunks.apply(
                "EmbedInBundles",
                ParDo.of(new BundleEmbedFn(embedder, batchSize))
                    .withOutputTags(EMBEDDED, TupleTagList.of(FAILED)))
            : groupIntoBatches(chunks)
                .apply(
                    "Embed",
                    ParDo.of(new EmbedFn(embedder))
                        .withOutputTags(EMBEDDED, TupleTagList.of(FAILED)));
    return new Result(
        chunks.getPipeline(),
        out.get(EMBEDDED).setCoder(ModelCoders.embeddedChunks()),
        out.get(FAILED).setCoder(ModelCoders.failures()));
  }

  private PCollection<KV<Integer, Iterable<Chunk>>> groupIntoBatches(PCollection<Chunk> chunks) {
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
    GroupIntoBatches<Integer, Chunk> grouping = GroupIntoBatches.ofSize(batchSize);
    if (chunks.isBounded() == PCollection.IsBounded.UNBOUNDED) {
      // Only a stream needs a deadline for part-filled batches: a bounded input flushes them when
      // it ends, and a pending processing-time timer would hold a batch run open until it fires.
      grouping = grouping.withMaxBufferingDuration(maxBuffering);
    }
    return keyed.apply("Batch", grouping);
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

  /** Where a batch's outcomes go: the DoFn's outputs, from a process or a finish-bundle call. */
  interface Outcomes {
    void embedded(EmbeddedChunk chunk);

    void failed(Failure failure);
  }

  /**
   * Embeds one batch: refuses chunks over the model's window, calls the embedder once, and on a
   * failed call retries input by input so that only failing inputs are reported. Metrics are
   * counted on the calling (DoFn) thread.
   */
  static final class BatchEmbedder {
    private final Counter embedded = Metrics.counter(EmbedChunks.class, "embeddings_computed");
    private final Counter failed = Metrics.counter(EmbedChunks.class, "chunks_failed");
    private final Counter calls = Metrics.counter(EmbedChunks.class, "embedding_calls");
    private final Distribution batchSizes = Metrics.distribution(EmbedChunks.class, "batch_size");
    private final Distribution millis = Metrics.distribution(EmbedChunks.class, "embed_millis");
    private final Embedder embedder;

    BatchEmbedder(Embedder embedder) {
      this.embedder = embedder;
    }

    /** The reason a chunk is refused before any call, or null when it fits the model. */
    String refusal(Chunk c) {
      int window = embedder.maxInputTokens();
      if (c.tokenCount() <= window) {
        return null;
      }
      return "chunk "
          + c.chunkIndex()
          + " has "
          + c.tokenCount()
          + " tokens, over the model's window of "
          + window
          + " (it would be truncated)";
    }

    void embed(Iterable<Chunk> batch, Outcomes out) {
      List<Chunk> accepted = new ArrayList<>();
      for (Chunk c : batch) {
        String refusal = refusal(c);
        if (refusal != null) {
          fail(out, c, refusal);
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

    private void emit(Outcomes out, Chunk c, float[] vector) {
      embedded.inc();
      out.embedded(new EmbeddedChunk(c, vector));
    }

    void fail(Outcomes out, Chunk c, String reason) {
      failed.inc();
      out.failed(new Failure("embed", c.projectId(), c.source(), c.path(), reason));
    }
  }

  /** Embeds the batches GroupIntoBatches formed. */
  static final class EmbedFn extends DoFn<KV<Integer, Iterable<Chunk>>, EmbeddedChunk> {
    private final EmbedderFactory factory;
    private transient BatchEmbedder batches;

    EmbedFn(EmbedderFactory factory) {
      this.factory = factory;
    }

    @Setup
    public void setup() {
      batches = new BatchEmbedder(factory.create());
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Chunk>> batch, MultiOutputReceiver out) {
      batches.embed(
          batch.getValue(),
          new Outcomes() {
            @Override
            public void embedded(EmbeddedChunk chunk) {
              out.get(EMBEDDED).output(chunk);
            }

            @Override
            public void failed(Failure failure) {
              out.get(FAILED).output(failure);
            }
          });
    }
  }

  /**
   * Cuts batches within a bundle. Chunks wait per window and timestamp, so a batch that fills is
   * the current element's and is emitted as its output; what is left is emitted, with its own
   * window and timestamp, when the bundle finishes.
   */
  static final class BundleEmbedFn extends DoFn<Chunk, EmbeddedChunk> {
    private record Pane(BoundedWindow window, Instant timestamp) {}

    private final EmbedderFactory factory;
    private final int batchSize;
    private transient BatchEmbedder batches;
    private transient Map<Pane, List<Chunk>> pending;

    BundleEmbedFn(EmbedderFactory factory, int batchSize) {
      this.factory = factory;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() {
      batches = new BatchEmbedder(factory.create());
    }

    @StartBundle
    public void startBundle() {
      pending = new LinkedHashMap<>();
    }

    @ProcessElement
    public void process(
        @Element Chunk chunk,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        MultiOutputReceiver out) {
      Outcomes outcomes =
          new Outcomes() {
            @Override
            public void embedded(EmbeddedChunk c) {
              out.get(EMBEDDED).output(c);
            }

            @Override
            public void failed(Failure failure) {
              out.get(FAILED).output(failure);
            }
          };
      String refusal = batches.refusal(chunk);
      if (refusal != null) {
        batches.fail(outcomes, chunk, refusal);
        return;
      }
      List<Chunk> batch =
          pending.computeIfAbsent(new Pane(window, timestamp), p -> new ArrayList<>());
      batch.add(chunk);
      if (batch.size() >= batchSize) {
        pending.remove(new Pane(window, timestamp));
        batches.embed(batch, outcomes);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<Pane, List<Chunk>> e : pending.entrySet()) {
        Pane pane = e.getKey();
        batches.embed(
            e.getValue(),
            new Outcomes() {
              @Override
              public void embedded(EmbeddedChunk c) {
                context.output(EMBEDDED, c, pane.timestamp(), pane.window());
              }

              @Override
              public void failed(Failure failure) {
                context.output(FAILED, failure, pane.timestamp(), pane.window());
              }
            });
      }
      pending.clear();
    }
  }
}
