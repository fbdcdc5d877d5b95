package dev.qdrantloader.transforms.embed;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
 * Embeds chunks in requests bounded by inputs and tokens, several in flight. Every chunk comes out
 * either embedded or as a {@link Failure}: a chunk over the model's input window is refused with
 * its token count (never truncated), and inputs a provider refuses fail alone with its reason (see
 * {@link Embedder#embedAsync}). Identical texts are embedded once: a chunk whose text was embedded
 * in this JVM (or is in the persistent cache, or in a request in flight) takes that vector.
 * Counters and distributions (namespace {@code EmbedChunks}): embeddings_computed, chunks_failed,
 * embedding_calls (requests, retries included), embedding_inputs, embedding_tokens,
 * embedding_retries, embedding_throttled (429s), embedding_calls_failed, cache_hits, cache_misses,
 * batch_size, embed_millis (per request), requests_in_flight.
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
  private final long maxBatchTokens;
  private final long memoryCacheBytes;
  private final VectorCacheFactory persistentCache;
  private final int dimension;

  private EmbedChunks(
      EmbedderFactory embedder,
      int batchSize,
      int shards,
      Duration maxBuffering,
      Batching batching,
      long maxBatchTokens,
      long memoryCacheBytes,
      VectorCacheFactory persistentCache,
      int dimension) {
    this.embedder = embedder;
    this.batchSize = batchSize;
    this.shards = shards;
    this.maxBuffering = maxBuffering;
    this.batching = batching;
    this.maxBatchTokens = maxBatchTokens;
    this.memoryCacheBytes = memoryCacheBytes;
    this.persistentCache = persistentCache;
    this.dimension = dimension;
  }

  /** The default size of the in-memory cache of vectors computed in a JVM. */
  public static final long DEFAULT_MEMORY_CACHE_BYTES = 128L << 20;

  /**
   * Batches of 32 with GroupIntoBatches over 8 shards, 5 s maximum buffering in a stream, 128 MiB
   * of computed vectors kept in memory, no persistent cache.
   */
  public static EmbedChunks with(EmbedderFactory embedder) {
    if (embedder == null) {
      throw new IllegalArgumentException("embedder factory must not be null");
    }
    return new EmbedChunks(
        embedder,
        32,
        8,
        Duration.standardSeconds(5),
        Batching.GROUP_INTO_BATCHES,
        Long.MAX_VALUE,
        DEFAULT_MEMORY_CACHE_BYTES,
        null,
        0);
  }

  /** Inputs per request at most (the embedder may ask for fewer). */
  public EmbedChunks withBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
    }
    return new EmbedChunks(
        embedder,
        size,
        shards,
        maxBuffering,
        batching,
        maxBatchTokens,
        memoryCacheBytes,
        persistentCache,
        dimension);
  }

  /** How many keys GroupIntoBatches forms batches under: the parallelism of the embedding step. */
  public EmbedChunks withShards(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("shards must be at least 1, got " + count);
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        count,
        maxBuffering,
        batching,
        maxBatchTokens,
        memoryCacheBytes,
        persistentCache,
        dimension);
  }

  /** In a stream, how long GroupIntoBatches holds a part-filled batch. */
  public EmbedChunks withMaxBuffering(Duration duration) {
    if (duration == null || duration.getMillis() <= 0) {
      throw new IllegalArgumentException("maxBuffering must be positive, got " + duration);
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        shards,
        duration,
        batching,
        maxBatchTokens,
        memoryCacheBytes,
        persistentCache,
        dimension);
  }

  public EmbedChunks withBatching(Batching how) {
    if (how == null) {
      throw new IllegalArgumentException("batching must not be null");
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        shards,
        maxBuffering,
        how,
        maxBatchTokens,
        memoryCacheBytes,
        persistentCache,
        dimension);
  }

  /**
   * Tokens per GroupIntoBatches batch at most (the provider's tokens per request); requests are cut
   * to the embedder's current limits in any case.
   */
  public EmbedChunks withMaxBatchTokens(long tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("maxBatchTokens must be at least 1, got " + tokens);
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        shards,
        maxBuffering,
        batching,
        tokens,
        memoryCacheBytes,
        persistentCache,
        dimension);
  }

  /**
   * Caches: {@code memoryBytes} of computed vectors kept per JVM (0 turns the memory cache off;
   * identical texts in flight together are still sent once), and an optional persistent cache (null
   * for none) consulted before any request and filled after.
   */
  public EmbedChunks withCache(long memoryBytes, VectorCacheFactory persistent) {
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("memoryBytes must not be negative, got " + memoryBytes);
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        shards,
        maxBuffering,
        batching,
        maxBatchTokens,
        memoryBytes,
        persistent,
        dimension);
  }

  /**
   * The size every vector must have (the collection's): a vector of another size stops the run with
   * an {@link EmbeddingException} before it is written. Without it, the embedder's own dimension is
   * checked when it knows one.
   */
  public EmbedChunks withDimension(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, got " + size);
    }
    return new EmbedChunks(
        embedder,
        batchSize,
        shards,
        maxBuffering,
        batching,
        maxBatchTokens,
        memoryCacheBytes,
        persistentCache,
        size);
  }

  static final TupleTag<EmbeddedChunk> EMBEDDED = new TupleTag<EmbeddedChunk>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  @Override
  public Result expand(PCollection<Chunk> chunks) {
    Calls calls =
        new Calls(
            embedder,
            batchSize,
            memoryCacheBytes,
            persistentCache,
            java.util.UUID.randomUUID().toString(),
            dimension);
    PCollectionTuple out =
        batching == Batching.BUNDLE
            ? chunks.apply(
                "EmbedInBundles",
                ParDo.of(new BundleEmbedFn(calls))
                    .withOutputTags(EMBEDDED, TupleTagList.of(FAILED)))
            : groupIntoBatches(chunks)
                .apply(
                    "Embed",
                    ParDo.of(new BatchEmbedFn(calls))
                        .withOutputTags(EMBEDDED, TupleTagList.of(FAILED)));
    return new Result(
        chunks.getPipeline(),
        out.get(EMBEDDED).setCoder(ModelCoders.embeddedChunks()),
        out.get(FAILED).setCoder(ModelCoders.failures()));
  }

  private PCollection<KV<Integer, Iterable<Chunk>>> groupIntoBatches(PCollection<Chunk> chunks) {
    final int shardCount = shards;
    // Keyed by text: identical texts meet under one key, so on one worker, whose caches send
    // them once.
    PCollection<KV<Integer, Chunk>> keyed =
        chunks
            .apply(
                "ShardByText",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(),
                            new org.apache.beam.sdk.values.TypeDescriptor<Chunk>() {}))
                    .via(c -> KV.of(Math.floorMod(c.chunkHash().hashCode(), shardCount), c)))
            .setCoder(KvCoder.of(VarIntCoder.of(), ModelCoders.chunks()));
    GroupIntoBatches<Integer, Chunk> grouping = GroupIntoBatches.ofSize(batchSize);
    if (maxBatchTokens != Long.MAX_VALUE) {
      grouping = grouping.withByteSize(maxBatchTokens, c -> (long) c.tokenCount());
    }
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

  /** Everything a DoFn needs to build its {@link EmbeddingCalls}: serializable. */
  record Calls(
      EmbedderFactory embedder,
      int batchSize,
      long memoryBytes,
      VectorCacheFactory persistent,
      String run,
      int dimension)
      implements java.io.Serializable {
    /** What a DoFn instance holds for its life: the embedder and the caches (JVM-shared). */
    Resources open() {
      String space = embedder.describe();
      return new Resources(
          embedder.create(),
          space,
          MemoryVectorCache.forScope(space + "#" + run, memoryBytes),
          persistent == null ? null : persistent.open());
    }

    /** A bundle's embedding work: fresh state, so a failed bundle leaves nothing behind. */
    EmbeddingCalls forBundle(Resources r) {
      return new EmbeddingCalls(
          r.embedder(), r.space(), batchSize, r.memory(), r.persistent(), dimension);
    }
  }

  record Resources(
      Embedder embedder, String space, MemoryVectorCache memory, VectorCache persistent) {
    void close() {
      if (persistent != null) {
        persistent.close();
      }
    }
  }

  /**
   * Outcomes for the element being processed go out at once when they share its window and
   * timestamp; others (an earlier element's, finished meanwhile) wait for the end of the bundle.
   */
  private static final class ProcessEmitter implements EmbeddingCalls.Emitter {
    private final List<Consumer<EmbeddingCalls.Emitter>> later = new ArrayList<>();
    private EmbeddingCalls.Pane current;
    private DoFn.MultiOutputReceiver out;

    void at(EmbeddingCalls.Pane pane, DoFn.MultiOutputReceiver receiver) {
      this.current = pane;
      this.out = receiver;
    }

    @Override
    public void embedded(EmbeddingCalls.Pane pane, EmbeddedChunk chunk) {
      if (pane.equals(current)) {
        out.get(EMBEDDED).output(chunk);
      } else {
        later.add(e -> e.embedded(pane, chunk));
      }
    }

    @Override
    public void failed(EmbeddingCalls.Pane pane, Failure failure) {
      if (pane.equals(current)) {
        out.get(FAILED).output(failure);
      } else {
        later.add(e -> e.failed(pane, failure));
      }
    }

    /** Hands what waited for the end of the bundle to {@code atEnd}. */
    void replayInto(EmbeddingCalls.Emitter atEnd) {
      later.forEach(l -> l.accept(atEnd));
      later.clear();
    }
  }

  /** Outcomes at the end of a bundle, each with its own window and timestamp. */
  private static EmbeddingCalls.Emitter finishEmitter(
      DoFn<?, EmbeddedChunk>.FinishBundleContext c) {
    return new EmbeddingCalls.Emitter() {
      @Override
      public void embedded(EmbeddingCalls.Pane pane, EmbeddedChunk chunk) {
        c.output(EMBEDDED, chunk, pane.timestamp(), pane.window());
      }

      @Override
      public void failed(EmbeddingCalls.Pane pane, Failure failure) {
        c.output(FAILED, failure, pane.timestamp(), pane.window());
      }
    };
  }

  /** Embeds the batches GroupIntoBatches formed, several requests in flight. */
  static final class BatchEmbedFn extends DoFn<KV<Integer, Iterable<Chunk>>, EmbeddedChunk> {
    private final Calls spec;
    private transient Resources resources;
    private transient EmbeddingCalls calls;
    private transient ProcessEmitter emitter;

    BatchEmbedFn(Calls spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      resources = spec.open();
    }

    @StartBundle
    public void startBundle() {
      calls = spec.forBundle(resources);
      emitter = new ProcessEmitter();
    }

    @Teardown
    public void teardown() {
      if (resources != null) {
        resources.close();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, Iterable<Chunk>> batch,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        MultiOutputReceiver out) {
      EmbeddingCalls.Pane pane = new EmbeddingCalls.Pane(window, timestamp);
      emitter.at(pane, out);
      for (Chunk c : batch.getValue()) {
        calls.add(c, pane, emitter);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      EmbeddingCalls.Emitter atEnd = finishEmitter(context);
      emitter.replayInto(atEnd);
      calls.finish(atEnd);
    }
  }

  /**
   * Cuts requests within a bundle: no shuffle and no state, so any runner. What is gathered when
   * the bundle ends is sent then, spread over the idle request slots.
   */
  static final class BundleEmbedFn extends DoFn<Chunk, EmbeddedChunk> {
    private final Calls spec;
    private transient Resources resources;
    private transient EmbeddingCalls calls;
    private transient ProcessEmitter emitter;

    BundleEmbedFn(Calls spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() {
      resources = spec.open();
    }

    @StartBundle
    public void startBundle() {
      calls = spec.forBundle(resources);
      emitter = new ProcessEmitter();
    }

    @Teardown
    public void teardown() {
      if (resources != null) {
        resources.close();
      }
    }

    @ProcessElement
    public void process(
        @Element Chunk chunk,
        @Timestamp Instant timestamp,
        BoundedWindow window,
        MultiOutputReceiver out) {
      EmbeddingCalls.Pane pane = new EmbeddingCalls.Pane(window, timestamp);
      emitter.at(pane, out);
      calls.add(chunk, pane, emitter);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      EmbeddingCalls.Emitter atEnd = finishEmitter(context);
      emitter.replayInto(atEnd);
      calls.finish(atEnd);
    }
  }
}
