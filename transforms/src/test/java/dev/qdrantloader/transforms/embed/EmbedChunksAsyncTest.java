package dev.qdrantloader.transforms.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.ModelCoders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * EmbedChunks with an embedder that answers later, on its own threads, like a remote provider:
 * requests within the embedder's limits, several in flight, every chunk accounted for in its own
 * window, identical texts sent once, fatal errors stop the run.
 */
class EmbedChunksAsyncTest {
  /** What every embedder instance of a test saw, by test name. */
  static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();

  static final class Seen {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger maxInputs = new AtomicInteger();
    final AtomicInteger maxTokens = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final Map<String, AtomicInteger> textsSent = new ConcurrentHashMap<>();
  }

  private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(4);

  /** 3-d vectors after 20 ms; limits 5 inputs, 12 tokens, 3 in flight; "fatal" stops the run. */
  static final class SlowFactory implements EmbedderFactory {
    private final String name;

    SlowFactory(String name) {
      this.name = name;
    }

    @Override
    public Embedder create() {
      Seen seen = SEEN.computeIfAbsent(name, n -> new Seen());
      return new Embedder() {
        @Override
        public List<float[]> embed(List<String> texts) {
          throw new UnsupportedOperationException("async only");
        }

        @Override
        public int dimension() {
          return 3;
        }

        @Override
        public int maxInputTokens() {
          return 10;
        }

        @Override
        public BatchLimits limits() {
          return new BatchLimits(5, 12, 3);
        }

        @Override
        public CompletableFuture<EmbeddingBatch> embedAsync(List<String> texts, int[] tokens) {
          seen.requests.incrementAndGet();
          seen.maxInFlight.accumulateAndGet(seen.inFlight.incrementAndGet(), Math::max);
          seen.maxInputs.accumulateAndGet(texts.size(), Math::max);
          int sum = 0;
          for (int t : tokens) {
            sum += t;
          }
          seen.maxTokens.accumulateAndGet(sum, Math::max);
          for (String t : texts) {
            seen.textsSent.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
          }
          CompletableFuture<EmbeddingBatch> f = new CompletableFuture<>();
          LATER.schedule(
              () -> {
                seen.inFlight.decrementAndGet();
                if (texts.contains("fatal")) {
                  f.completeExceptionally(new EmbeddingException("vectors of size 7, expected 3"));
                  return;
                }
                List<float[]> vectors = new ArrayList<>();
                for (String t : texts) {
                  vectors.add(new float[] {t.length(), t.hashCode(), 1});
                }
                f.complete(EmbeddingBatch.of(vectors, new CallStats(1, 0, 0, 0, 0, List.of(20L))));
              },
              20,
              TimeUnit.MILLISECONDS);
          return f;
        }
      };
    }

    @Override
    public String describe() {
      return "slow/" + name;
    }
  }

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.create());
  }

  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(EmbedChunks.class, name))
                    .build())
            .getCounters()) {
      sum += c.getAttempted();
    }
    return sum;
  }

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void requestsStayWithinLimitsAndEveryChunkKeepsItsWindow(EmbedChunks.Batching batching) {
    String name = "limits-" + batching;
    SEEN.remove(name);
    List<TimestampedValue<Chunk>> chunks = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      // Two windows of 10 s; tokens 1..4, so the 12-token cap cuts before the 5-input one.
      chunks.add(
          TimestampedValue.of(
              EmbedChunksTest.chunk("doc" + i + ".md", 0, "text " + i, 1 + i % 4),
              new Instant(i < 60 ? 1_000 : 11_000)));
    }
    Pipeline p = pipeline();
    PCollection<Chunk> input =
        p.apply(Create.timestamped(chunks).withCoder(ModelCoders.chunks()))
            .apply(Window.into(FixedWindows.of(Duration.standardSeconds(10))));
    EmbedChunks.Result result =
        input.apply(
            EmbedChunks.with(new SlowFactory(name))
                .withBatchSize(8)
                .withShards(2)
                .withBatching(batching));
    IntervalWindow first = new IntervalWindow(new Instant(0), new Instant(10_000));
    IntervalWindow second = new IntervalWindow(new Instant(10_000), new Instant(20_000));
    PAssert.that(result.embedded())
        .inWindow(first)
        .satisfies(
            embedded -> {
              int n = 0;
              for (EmbeddedChunk e : embedded) {
                int i = Integer.parseInt(e.chunk().text().substring(5));
                assertTrue(i < 60, "chunk " + i + " in the first window");
                assertEquals(e.chunk().text().length(), e.vector()[0], 0f);
                n++;
              }
              assertEquals(60, n);
              return null;
            });
    PAssert.that(result.embedded())
        .inWindow(second)
        .satisfies(
            embedded -> {
              int n = 0;
              for (EmbeddedChunk e : embedded) {
                assertTrue(Integer.parseInt(e.chunk().text().substring(5)) >= 60);
                n++;
              }
              assertEquals(60, n);
              return null;
            });
    PAssert.that(result.failures()).empty();
    PipelineResult run = p.run();
    run.waitUntilFinish();

    Seen seen = SEEN.get(name);
    assertTrue(seen.maxInputs.get() <= 5, "at most 5 inputs, got " + seen.maxInputs);
    assertTrue(seen.maxTokens.get() <= 12, "at most 12 tokens, got " + seen.maxTokens);
    assertTrue(seen.maxInputs.get() > 1, "requests were batched");
    assertEquals(120, counter(run, "embeddings_computed"));
    assertEquals(seen.requests.get(), counter(run, "embedding_calls"));
    assertEquals(120, counter(run, "embedding_inputs"));
  }

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void severalRequestsAreInFlightAtOnceButNoMoreThanTheLimitPerInstance(
      EmbedChunks.Batching batching) {
    String name = "inflight-" + batching;
    SEEN.remove(name);
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      chunks.add(EmbedChunksTest.chunk("doc" + i + ".md", 0, "text " + i, 2));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(chunks).withCoder(ModelCoders.chunks()))
        .apply(
            EmbedChunks.with(new SlowFactory(name))
                .withBatchSize(5)
                .withShards(1)
                .withBatching(batching));
    p.run().waitUntilFinish();
    Seen seen = SEEN.get(name);
    assertEquals(200, seen.textsSent.size());
    assertTrue(seen.maxInFlight.get() > 1, "requests overlapped: " + seen.maxInFlight);
    // 3 per DoFn instance; the DirectRunner runs at most as many instances as its threads.
    int threads = Math.max(3, Runtime.getRuntime().availableProcessors());
    assertTrue(
        seen.maxInFlight.get() <= 3 * threads,
        seen.maxInFlight + " in flight with " + threads + " threads");
  }

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void identicalTextsAreSentOnce(EmbedChunks.Batching batching) {
    String name = "dups-" + batching;
    SEEN.remove(name);
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      // 300 chunks of 40 documents, 60 distinct texts.
      chunks.add(EmbedChunksTest.chunk("doc" + i % 40 + ".md", i / 40, "text " + i % 60, 2));
    }
    Pipeline p = pipeline();
    PCollection<EmbeddedChunk> embedded =
        p.apply(Create.of(chunks).withCoder(ModelCoders.chunks()))
            .apply(
                EmbedChunks.with(new SlowFactory(name))
                    .withBatchSize(5)
                    .withShards(4)
                    .withBatching(batching))
            .embedded();
    PAssert.that(embedded)
        .satisfies(
            all -> {
              int n = 0;
              for (EmbeddedChunk e : all) {
                assertEquals(e.chunk().text().hashCode(), e.vector()[1], 0f);
                n++;
              }
              assertEquals(300, n);
              return null;
            });
    PipelineResult run = p.run();
    run.waitUntilFinish();
    Seen seen = SEEN.get(name);
    assertEquals(60, seen.textsSent.size());
    seen.textsSent.forEach((t, n) -> assertEquals(1, n.get(), t + " sent " + n + " times"));
    assertEquals(60, counter(run, "cache_misses"));
    assertEquals(240, counter(run, "cache_hits"));
  }

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void aPersistentCacheServesTheNextRun(EmbedChunks.Batching batching) {
    String name = "persistent-" + batching;
    SEEN.remove(name);
    MapCache.STORE.clear();
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      chunks.add(EmbedChunksTest.chunk("doc" + i + ".md", 0, "text " + i, 2));
    }
    for (int run = 0; run < 2; run++) {
      Pipeline p = pipeline();
      p.apply(Create.of(chunks).withCoder(ModelCoders.chunks()))
          .apply(
              EmbedChunks.with(new SlowFactory(name))
                  .withBatching(batching)
                  .withCache(0, new MapCache()));
      PipelineResult result = p.run();
      result.waitUntilFinish();
      assertEquals(run == 0 ? 30 : 0, counter(result, "cache_misses"), "run " + run);
      assertEquals(run == 0 ? 0 : 30, counter(result, "cache_hits"), "run " + run);
    }
    assertEquals(30, SEEN.get(name).textsSent.size());
    SEEN.get(name).textsSent.forEach((t, n) -> assertEquals(1, n.get(), t));
  }

  @ParameterizedTest
  @EnumSource(EmbedChunks.Batching.class)
  void anEmbeddingExceptionStopsTheRunWithItsMessage(EmbedChunks.Batching batching) {
    List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      chunks.add(EmbedChunksTest.chunk("doc" + i + ".md", 0, i == 7 ? "fatal" : "text " + i, 2));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(chunks).withCoder(ModelCoders.chunks()))
        .apply(EmbedChunks.with(new SlowFactory("fatal-" + batching)).withBatching(batching));
    Exception e = assertThrows(Exception.class, () -> p.run().waitUntilFinish());
    Throwable t = e;
    while (t != null && !(t instanceof EmbeddingException)) {
      t = t.getCause();
    }
    assertTrue(t != null, "an EmbeddingException, got " + e);
    assertEquals("vectors of size 7, expected 3", t.getMessage());
  }

  /** A persistent cache in a static map. */
  static final class MapCache implements VectorCacheFactory {
    static final Map<String, float[]> STORE = new ConcurrentHashMap<>();

    @Override
    public VectorCache open() {
      return new VectorCache() {
        @Override
        public float[] get(String key) {
          return STORE.get(key);
        }

        @Override
        public void put(String key, float[] vector) {
          STORE.put(key, vector);
        }

        @Override
        public void flush() {}
      };
    }
  }
}
