package dev.qdrantloader.transforms.embed;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The embedding work of one DoFn instance over one bundle: looks each chunk up in the caches,
 * gathers the rest into requests bounded by inputs and tokens, keeps at most the embedder's
 * in-flight limit of requests outstanding (waiting for one to finish before sending more, which is
 * the step's backpressure), and hands every chunk back as embedded or failed. Not thread-safe:
 * everything but the embedder's own work runs on the DoFn thread, metrics included; finished
 * requests are queued by the embedder's threads and handled here.
 */
final class EmbeddingCalls {
  /** Where an element sits: its window and timestamp, which its outputs keep. */
  record Pane(BoundedWindow window, Instant timestamp) {}

  /** Receives outcomes with the pane of the chunk they belong to. */
  interface Emitter {
    void embedded(Pane pane, EmbeddedChunk chunk);

    void failed(Pane pane, Failure failure);
  }

  /** Smallest request the last part of a bundle is split into to use idle request slots. */
  static final int MIN_SPLIT = 16;

  private final Counter computed = Metrics.counter(EmbedChunks.class, "embeddings_computed");
  private final Counter failedChunks = Metrics.counter(EmbedChunks.class, "chunks_failed");
  private final Counter calls = Metrics.counter(EmbedChunks.class, "embedding_calls");
  private final Counter inputs = Metrics.counter(EmbedChunks.class, "embedding_inputs");
  private final Counter tokens = Metrics.counter(EmbedChunks.class, "embedding_tokens");
  private final Counter retries = Metrics.counter(EmbedChunks.class, "embedding_retries");
  private final Counter throttled = Metrics.counter(EmbedChunks.class, "embedding_throttled");
  private final Counter failedCalls = Metrics.counter(EmbedChunks.class, "embedding_calls_failed");
  private final Counter hits = Metrics.counter(EmbedChunks.class, "cache_hits");
  private final Counter misses = Metrics.counter(EmbedChunks.class, "cache_misses");
  private final Distribution batchSizes = Metrics.distribution(EmbedChunks.class, "batch_size");
  private final Distribution latency = Metrics.distribution(EmbedChunks.class, "embed_millis");
  private final Distribution inFlightSeen =
      Metrics.distribution(EmbedChunks.class, "requests_in_flight");

  private final Embedder embedder;
  private final String vectorSpace;
  private final int batchSize;
  private final MemoryVectorCache memory;
  private final VectorCache persistent;

  /** The size every vector must have, or 0 to take the embedder's when it knows one. */
  private final int dimension;

  private final Map<Pane, Request> open = new LinkedHashMap<>();

  /** Chunks waiting for a text that is in an open or sent request, by cache key. */
  private final Map<String, List<Waiter>> waiting = new HashMap<>();

  /** Texts in a sent request, by vector space and cache key: shared by the JVM's DoFns. */
  private static final Map<String, ConcurrentHashMap<String, CompletableFuture<float[]>>> SENT =
      new ConcurrentHashMap<>();

  private final ConcurrentHashMap<String, CompletableFuture<float[]>> sent;
  private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
  private int inFlight;

  /** Texts this instance waits for from another instance's request. */
  private int awaited;

  private record Waiter(Chunk chunk, Pane pane) {}

  /** One of this instance's requests finished. */
  private record Done(Request request, EmbeddingBatch batch, Throwable error) {}

  /** A text another instance sent finished: its vector, or why it failed. */
  private record Awaited(String key, float[] vector, Throwable error) {}

  /** Why one input failed, carried by the shared future of its text. */
  private static final class InputFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InputFailed(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Distinct texts gathered for one request. */
  private static final class Request {
    final List<String> keys = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final List<Integer> tokens = new ArrayList<>();
    long tokenSum;

    void add(String key, String text, int tokenCount) {
      keys.add(key);
      texts.add(text);
      tokens.add(tokenCount);
      tokenSum += tokenCount;
    }

    int size() {
      return keys.size();
    }

    /** This request cut into {@code parts} requests of near-equal size. */
    List<Request> split(int parts) {
      List<Request> out = new ArrayList<>(parts);
      int n = size();
      for (int p = 0; p < parts; p++) {
        Request r = new Request();
        for (int i = p * n / parts; i < (p + 1) * n / parts; i++) {
          r.add(keys.get(i), texts.get(i), tokens.get(i));
        }
        out.add(r);
      }
      return out;
    }

    int[] tokenArray() {
      return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  EmbeddingCalls(
      Embedder embedder,
      String vectorSpace,
      int batchSize,
      MemoryVectorCache memory,
      VectorCache persistent,
      int dimension) {
    this.embedder = embedder;
    this.dimension = dimension;
    this.vectorSpace = vectorSpace;
    this.batchSize = batchSize;
    this.memory = memory;
    this.persistent = persistent;
    this.sent = SENT.computeIfAbsent(vectorSpace, k -> new ConcurrentHashMap<>());
  }

  /** The cache key of a text in a vector space: a hash of both. */
  static String cacheKey(String vectorSpace, String chunkHash) {
    return DocumentIds.sha256Hex(
        (vectorSpace + "\u0000" + chunkHash).getBytes(java.nio.charset.StandardCharsets.UTF_8));
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

  /**
   * Inputs per request: the batch size within the embedder's limit, spread over its in-flight slots
   * (a full batch becomes as many requests as may run at once, sent as they fill, so the provider
   * works while the bundle is still being read), never under {@link #MIN_SPLIT}.
   */
  int requestSize(BatchLimits limits) {
    int max = Math.min(batchSize, limits.maxInputs());
    if (limits.maxInFlight() <= 1) {
      return max;
    }
    int spread = (max + limits.maxInFlight() - 1) / limits.maxInFlight();
    return Math.min(max, Math.max(MIN_SPLIT, spread));
  }

  /** Takes one chunk: answered from a cache, attached to a request for the same text, or queued. */
  void add(Chunk c, Pane pane, Emitter out) {
    drain(out);
    String refusal = refusal(c);
    if (refusal != null) {
      fail(out, pane, c, refusal);
      return;
    }
    String key = cacheKey(vectorSpace, c.chunkHash());
    List<Waiter> pending = waiting.get(key);
    if (pending != null) {
      hits.inc();
      pending.add(new Waiter(c, pane));
      return;
    }
    // In flight elsewhere first, then computed: a request removes its texts from `sent` only after
    // putting their vectors in memory, so one of the two looks finds a text already sent.
    CompletableFuture<float[]> elsewhere = sent.get(key);
    if (elsewhere != null) {
      hits.inc();
      List<Waiter> waiters = new ArrayList<>(1);
      waiters.add(new Waiter(c, pane));
      waiting.put(key, waiters);
      await(key, elsewhere);
      return;
    }
    float[] cached = memory.get(key);
    if (cached == null && persistent != null) {
      cached = persistent.get(key);
      if (cached != null) {
        memory.put(key, cached);
      }
    }
    if (cached != null) {
      hits.inc();
      out.embedded(pane, new EmbeddedChunk(c, cached));
      return;
    }
    misses.inc();
    List<Waiter> waiters = new ArrayList<>(1);
    waiters.add(new Waiter(c, pane));
    waiting.put(key, waiters);

    BatchLimits limits = embedder.limits();
    int maxInputs = requestSize(limits);
    Request request = open.computeIfAbsent(pane, p -> new Request());
    if (request.size() > 0 && request.tokenSum + c.tokenCount() > limits.maxTokens()) {
      open.remove(pane);
      send(request, out);
      request = open.computeIfAbsent(pane, p -> new Request());
    }
    request.add(key, c.text(), c.tokenCount());
    if (request.size() >= maxInputs) {
      open.remove(pane);
      send(request, out);
    }
  }

  /**
   * Sends what is gathered (spread over idle request slots) and waits for every request, so each
   * chunk of the bundle has its outcome when this returns.
   */
  void finish(Emitter out) {
    List<Request> rest = new ArrayList<>(open.values());
    open.clear();
    for (Request r : rest) {
      int free = embedder.limits().maxInFlight() - inFlight;
      int parts = Math.max(1, Math.min(free, r.size() / MIN_SPLIT));
      for (Request part : parts > 1 ? r.split(parts) : List.of(r)) {
        send(part, out);
      }
    }
    while (inFlight > 0 || awaited > 0) {
      handle(take(), out);
    }
    drain(out);
    if (persistent != null) {
      persistent.flush();
    }
  }

  private void await(String key, CompletableFuture<float[]> elsewhere) {
    awaited++;
    elsewhere.whenComplete((vector, error) -> done.add(new Awaited(key, vector, error)));
  }

  private void send(Request gathered, Emitter out) {
    while (inFlight >= Math.max(1, embedder.limits().maxInFlight())) {
      handle(take(), out);
    }
    // Claim each text for this request; one another instance has sent meanwhile is awaited.
    Request request = new Request();
    List<CompletableFuture<float[]>> claims = new ArrayList<>(gathered.size());
    for (int i = 0; i < gathered.size(); i++) {
      String key = gathered.keys.get(i);
      CompletableFuture<float[]> claim = new CompletableFuture<>();
      CompletableFuture<float[]> other = sent.putIfAbsent(key, claim);
      float[] meanwhile;
      if (other != null) {
        await(key, other);
        misses.dec();
        hits.inc();
      } else if ((meanwhile = memory.get(key)) != null) {
        // Embedded by another instance since this one looked.
        claim.complete(meanwhile);
        sent.remove(key, claim);
        misses.dec();
        hits.inc();
        for (Waiter w : waiting.remove(key)) {
          out.embedded(w.pane(), new EmbeddedChunk(w.chunk(), meanwhile));
        }
      } else {
        claims.add(claim);
        request.add(key, gathered.texts.get(i), gathered.tokens.get(i));
      }
    }
    if (request.size() == 0) {
      return;
    }
    inFlight++;
    inFlightSeen.update(inFlight);
    batchSizes.update(request.size());
    CompletableFuture<EmbeddingBatch> future;
    try {
      future = embedder.embedAsync(request.texts, request.tokenArray());
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    future.whenComplete(
        (batch, error) -> {
          // On the embedder's thread, so the texts are released even if this instance is gone.
          for (int i = 0; i < claims.size(); i++) {
            String key = request.keys.get(i);
            CompletableFuture<float[]> claim = claims.get(i);
            if (error != null) {
              claim.completeExceptionally(error);
            } else if (i < batch.size() && batch.vectors().get(i) != null) {
              memory.put(key, batch.vectors().get(i));
              claim.complete(batch.vectors().get(i));
            } else {
              claim.completeExceptionally(
                  new InputFailed(i < batch.size() ? batch.failures().get(i) : "no outcome"));
            }
            sent.remove(key, claim);
          }
          done.add(new Done(request, batch, error));
        });
    drain(out);
  }

  private Object take() {
    try {
      return done.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for embedding requests", e);
    }
  }

  private void drain(Emitter out) {
    Object d;
    while ((d = done.poll()) != null) {
      handle(d, out);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  private void handle(Object event, Emitter out) {
    if (event instanceof Awaited a) {
      awaited--;
      List<Waiter> waiters = waiting.remove(a.key());
      if (waiters == null) {
        return; // also sent by this instance, which answered them already
      }
      Throwable cause = a.error() == null ? null : unwrap(a.error());
      if (cause instanceof EmbeddingException fatal) {
        throw fatal;
      }
      for (Waiter w : waiters) {
        if (cause == null) {
          out.embedded(w.pane(), new EmbeddedChunk(w.chunk(), a.vector()));
        } else {
          fail(
              out,
              w.pane(),
              w.chunk(),
              cause instanceof InputFailed ? cause.getMessage() : "embedding failed: " + cause);
        }
      }
      return;
    }
    Done d = (Done) event;
    inFlight--;
    Request request = d.request();
    if (d.error() != null) {
      Throwable cause = unwrap(d.error());
      if (cause instanceof EmbeddingException fatal) {
        throw fatal;
      }
      for (String key : request.keys) {
        for (Waiter w : waiting.remove(key)) {
          fail(out, w.pane(), w.chunk(), "embedding failed: " + cause);
        }
      }
      return;
    }
    EmbeddingBatch batch = d.batch();
    CallStats stats = batch.stats();
    calls.inc(stats.requests());
    retries.inc(stats.retries());
    throttled.inc(stats.throttled());
    failedCalls.inc(stats.failedRequests());
    tokens.inc(stats.tokens());
    inputs.inc(request.size());
    for (long millis : stats.latencyMillis()) {
      latency.update(millis);
    }
    if (batch.size() != request.size()) {
      throw new IllegalStateException(
          "embedder answered " + batch.size() + " outcomes for " + request.size() + " inputs");
    }
    int expected = dimension > 0 ? dimension : embedder.dimension();
    for (int i = 0; i < request.size(); i++) {
      String key = request.keys.get(i);
      List<Waiter> waiters = waiting.remove(key);
      float[] vector = batch.vectors().get(i);
      if (vector == null) {
        for (Waiter w : waiters) {
          fail(out, w.pane(), w.chunk(), batch.failures().get(i));
        }
        continue;
      }
      if (expected > 0 && vector.length != expected) {
        throw new EmbeddingException(
            "the embedder "
                + vectorSpace
                + " returned a vector of size "
                + vector.length
                + ", but the collection's vectors have size "
                + expected
                + "; nothing of it was written");
      }
      computed.inc();
      if (persistent != null) {
        persistent.put(key, vector);
      }
      for (Waiter w : waiters) {
        out.embedded(w.pane(), new EmbeddedChunk(w.chunk(), vector));
      }
    }
  }

  private void fail(Emitter out, Pane pane, Chunk c, String reason) {
    failedChunks.inc();
    out.failed(pane, new Failure("embed", c.projectId(), c.source(), c.path(), reason));
  }
}
