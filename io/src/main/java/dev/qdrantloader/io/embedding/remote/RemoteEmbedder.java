package dev.qdrantloader.io.embedding.remote;

import dev.qdrantloader.transforms.embed.BatchLimits;
import dev.qdrantloader.transforms.embed.CallStats;
import dev.qdrantloader.transforms.embed.Embedder;
import dev.qdrantloader.transforms.embed.EmbeddingBatch;
import dev.qdrantloader.transforms.embed.EmbeddingException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Embedder} for OpenAI-style embedding APIs (openai, azure_openai, openai_compatible),
 * shared by every DoFn in a JVM that holds an equal {@link RemoteEmbeddingConfig}: one HTTP client,
 * one pair of rate limits, one bound on requests in flight.
 *
 * <p>{@link #embedAsync} never blocks: requests wait for a permit in a queue, for the rate limits
 * and for retries on a shared scheduler. Transient faults (429, 5xx, timeouts, connection errors,
 * unreadable answers) are retried with backoff; a request refused as invalid (400, 413, 422) is
 * split until only the offending inputs fail; a refused key, a missing model or vectors of the
 * wrong size fail the whole batch with an {@link EmbeddingException}.
 */
public final class RemoteEmbedder implements Embedder {
  private static final Map<RemoteEmbeddingConfig, RemoteEmbedder> SHARED =
      new ConcurrentHashMap<>();

  /** Backoff waits, rate-limit waits and Retry-After holds: tiny tasks, one daemon thread. */
  private static final ScheduledExecutorService SCHEDULER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "qdrant-loader-embedding-scheduler");
            t.setDaemon(true);
            return t;
          });

  private static final Map<String, Integer> KNOWN_DIMENSIONS =
      Map.of(
          "text-embedding-3-small", 1536,
          "text-embedding-3-large", 3072,
          "text-embedding-ada-002", 1536);

  private static final String DIMENSION_KEYS =
      "(global.embedding.dimensions / the collection's vector size)";

  /** Time constants production fixes and tests shorten. */
  record Tuning(Duration ratePeriod, Duration backoffBase, Duration backoffCap) {
    static Tuning production() {
      return new Tuning(Duration.ofMinutes(1), Duration.ofMillis(500), Duration.ofSeconds(30));
    }
  }

  private final RemoteEmbeddingConfig config;
  private final EmbeddingsApi api;
  private final HttpClient http;
  private final RateLimiter limiter;
  private final Aimd aimd;
  private final InFlightGate gate;
  private final Backoff backoff;
  private final Integer expectedDimension;
  private final AtomicInteger seenDimension = new AtomicInteger(-1);

  RemoteEmbedder(RemoteEmbeddingConfig config, Tuning tuning) {
    this.config = config;
    this.api = new EmbeddingsApi(config);
    this.http =
        HttpClient.newBuilder()
            .version(api.version())
            .connectTimeout(Duration.ofMillis(config.timeoutMillis()))
            .build();
    this.limiter =
        new RateLimiter(config.rpm(), config.tpm(), tuning.ratePeriod(), System.nanoTime());
    this.aimd = new Aimd(config.maxConcurrency(), config.maxInputsPerRequest());
    this.gate = new InFlightGate(aimd::concurrency);
    this.backoff = new Backoff(tuning.backoffBase(), tuning.backoffCap());
    this.expectedDimension =
        config.dimensions() != null ? config.dimensions() : KNOWN_DIMENSIONS.get(config.model());
  }

  /** The JVM's embedder for this configuration, created on first use. */
  static RemoteEmbedder shared(RemoteEmbeddingConfig config) {
    return SHARED.computeIfAbsent(config, c -> new RemoteEmbedder(c, Tuning.production()));
  }

  /**
   * The vector size: the configured or known one, else the one the provider returned, else -1 until
   * a call (or {@link #probe()}) has returned a vector.
   */
  @Override
  public int dimension() {
    return expectedDimension != null ? expectedDimension : seenDimension.get();
  }

  @Override
  public int maxInputTokens() {
    return config.maxTokensPerInput();
  }

  /**
   * Inputs per request and requests in flight as adapted to throttling now; tokens per request
   * capped by what the token limit can serve at once.
   */
  @Override
  public BatchLimits limits() {
    return new BatchLimits(aimd.inputs(), maxTokensPerRequest(), aimd.concurrency());
  }

  private long maxTokensPerRequest() {
    return Math.min(config.maxTokensPerRequest(), limiter.tokenCapacity());
  }

  /**
   * Embeds one short text and returns the vector size.
   *
   * @throws EmbeddingException when the provider refuses the key, the model does not exist, the
   *     size is not the expected one, or the server cannot be reached after the retries
   */
  public int probe() {
    EmbeddingBatch batch = await(embedAsync(List.of("dimension probe"), new int[] {2}));
    String failure = batch.failures().get(0);
    if (failure != null) {
      throw new EmbeddingException(
          "the embedding provider at "
              + api.safeUrl()
              + " could not embed a probe text with model `"
              + config.model()
              + "`: "
              + failure);
    }
    return batch.vectors().get(0).length;
  }

  /**
   * Blocking form: token counts are estimated (4 characters a token). Throws {@link
   * EmbeddingException} as {@link #embedAsync} fails, and {@link IllegalStateException} naming the
   * first input that could not be embedded.
   */
  @Override
  public List<float[]> embed(List<String> texts) {
    int[] tokens = new int[texts.size()];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = Math.max(1, (texts.get(i).length() + 3) / 4);
    }
    EmbeddingBatch batch = await(embedAsync(texts, tokens));
    for (int i = 0; i < batch.size(); i++) {
      if (batch.failures().get(i) != null) {
        throw new IllegalStateException(
            "input " + i + " could not be embedded: " + batch.failures().get(i));
      }
    }
    return batch.vectors();
  }

  private static EmbeddingBatch await(CompletableFuture<EmbeddingBatch> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for embeddings", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EmbeddingException fatal) {
        throw fatal;
      }
      throw new IllegalStateException("embedding failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public CompletableFuture<EmbeddingBatch> embedAsync(List<String> texts, int[] tokens) {
    try {
      if (tokens == null || texts.size() != tokens.length) {
        return CompletableFuture.failedFuture(
            new EmbeddingException(
                "embedAsync needs a token count per text, got "
                    + texts.size()
                    + " texts and "
                    + (tokens == null ? "no" : Integer.toString(tokens.length))
                    + " counts"));
      }
      Run run = new Run(List.copyOf(texts), tokens.clone());
      List<Request> requests = plan(run);
      run.start(requests.size());
      for (Request r : requests) {
        submit(r, false);
      }
      return run.future;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new EmbeddingException("embedding could not start: " + e.getMessage(), e));
    }
  }

  /**
   * Cuts the batch into requests within the current inputs and tokens per request; an input over
   * what the token limit can serve at once fails here.
   */
  private List<Request> plan(Run run) {
    int maxInputs = aimd.inputs();
    long maxTokens = maxTokensPerRequest();
    long capacity = limiter.tokenCapacity();
    List<Request> out = new ArrayList<>();
    List<Integer> group = new ArrayList<>();
    long groupTokens = 0;
    for (int i = 0; i < run.texts.size(); i++) {
      int t = run.tokens[i];
      if (t > capacity) {
        run.failEarly(
            i,
            "input has "
                + t
                + " tokens, more than the token limit lets one request carry ("
                + capacity
                + "; raise global.embedding.tpm)");
        continue;
      }
      if (!group.isEmpty() && (group.size() >= maxInputs || groupTokens + t > maxTokens)) {
        out.add(request(run, group));
        group = new ArrayList<>();
        groupTokens = 0;
      }
      group.add(i);
      groupTokens += t;
    }
    if (!group.isEmpty()) {
      out.add(request(run, group));
    }
    return out;
  }

  private Request request(Run run, List<Integer> group) {
    int[] indices = group.stream().mapToInt(Integer::intValue).toArray();
    long tokens = 0;
    for (int i : indices) {
      tokens += run.tokens[i];
    }
    return new Request(run, indices, tokens, api.body(EmbeddingsApi.select(run.texts, indices)));
  }

  /** Queues for a permit, then books the rate limits, then sends (at the booked time). */
  private void submit(Request r, boolean first) {
    gate.submit(
        () -> {
          if (r.run.future.isDone()) { // the batch already failed for good
            gate.release();
            return;
          }
          long now = System.nanoTime();
          long wait = limiter.reserve(r.tokens, now) - now;
          if (wait > 0) {
            SCHEDULER.schedule(() -> send(r), wait, TimeUnit.NANOSECONDS);
          } else {
            send(r);
          }
        },
        first);
  }

  private void send(Request r) {
    long sent = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> answer;
    try {
      answer = http.sendAsync(api.request(r.body), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete(
        (response, error) -> {
          try {
            onAnswer(r, sent, response, error);
          } catch (RuntimeException bug) {
            r.run.fail(r, "internal error handling the answer: " + bug);
          } catch (Error e) {
            // Never leave a caller waiting forever (e.g. a class missing from the classpath).
            r.run.fatal(new EmbeddingException("embedding stopped by " + e, e));
          } finally {
            gate.release();
          }
        });
  }

  private void onAnswer(Request r, long sent, HttpResponse<byte[]> response, Throwable error) {
    long now = System.nanoTime();
    r.run.sent(r.tokens, (now - sent) / 1_000_000);
    if (error != null) {
      Throwable cause = error;
      while ((cause instanceof CompletionException || cause instanceof ExecutionException)
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof HttpTimeoutException) {
        aimd.onThrottle(sent, now);
        retryLater(r, "no answer within " + config.timeoutMillis() + " ms", 0);
      } else {
        retryLater(r, "connection failed (" + describe(cause) + ")", 0);
      }
      return;
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      List<float[]> vectors;
      try {
        vectors = EmbeddingsApi.vectors(response.body(), r.indices.length);
      } catch (EmbeddingsApi.MalformedResponse e) {
        retryLater(r, "unreadable answer (" + e.getMessage() + ")", 0);
        return;
      }
      for (float[] v : vectors) {
        String wrong = checkDimension(v.length);
        if (wrong != null) {
          r.run.failedRequest();
          r.run.fatal(new EmbeddingException(wrong));
          return;
        }
      }
      // Adapt before completing: whoever waits on the batch then sees the new limits.
      boolean raised = aimd.onSuccess();
      r.run.embedded(r, vectors);
      if (raised) {
        gate.drain();
      }
      return;
    }
    String reason = "HTTP " + status + " " + EmbeddingsApi.errorMessage(response.body());
    if (status == 401 || status == 403) {
      r.run.failedRequest();
      r.run.fatal(
          new EmbeddingException(
              "the embedding provider at "
                  + api.safeUrl()
                  + " refused the API key (HTTP "
                  + status
                  + "): check global.embedding.api_key"));
    } else if (status == 404) {
      r.run.failedRequest();
      r.run.fatal(
          new EmbeddingException(
              "the embedding provider found no model, deployment or URL for model `"
                  + config.model()
                  + "` at "
                  + api.safeUrl()
                  + " (HTTP 404: "
                  + EmbeddingsApi.errorMessage(response.body())
                  + "): check global.embedding.model and base_url"));
    } else if (status == 429) {
      r.run.throttled();
      long wait = Backoff.retryAfterMillis(response.headers(), System.currentTimeMillis());
      if (wait > 0) {
        limiter.holdUntil(now + wait * 1_000_000);
      }
      aimd.onThrottle(sent, now);
      retryLater(r, reason, wait);
    } else if (status == 408 || status >= 500) {
      retryLater(r, reason, 0);
    } else if ((status == 400 || status == 413 || status == 422) && r.indices.length > 1) {
      // One bad input refuses the whole request: halve until it stands alone.
      r.run.failedRequest();
      int half = r.indices.length / 2;
      List<Integer> left = new ArrayList<>();
      List<Integer> right = new ArrayList<>();
      for (int k = 0; k < r.indices.length; k++) {
        (k < half ? left : right).add(r.indices[k]);
      }
      Request a = request(r.run, left);
      Request b = request(r.run, right);
      r.run.replaced(2);
      submit(a, true);
      submit(b, true);
    } else {
      r.run.failedRequest();
      r.run.fail(r, reason);
    }
  }

  /** A transient fault: sends the request again after the backoff (and the provider's wait). */
  private void retryLater(Request r, String fault, long minWaitMillis) {
    r.run.failedRequest();
    if (r.attempt >= config.maxRetries()) {
      r.run.fail(r, "gave up after " + r.attempt + " retries: " + fault);
      return;
    }
    r.run.retried();
    long wait = Math.max(backoff.delayMillis(r.attempt), minWaitMillis);
    r.attempt++;
    SCHEDULER.schedule(() -> submit(r, true), wait, TimeUnit.MILLISECONDS);
  }

  /** Null when {@code size} is right; else why not. The first size seen fixes an unknown one. */
  private String checkDimension(int size) {
    if (expectedDimension != null) {
      if (size != expectedDimension) {
        return "the provider returned vectors of size "
            + size
            + ", expected "
            + expectedDimension
            + (config.dimensions() == null ? " for model " + config.model() + " " : " ")
            + DIMENSION_KEYS;
      }
      seenDimension.compareAndSet(-1, size);
      return null;
    }
    if (seenDimension.compareAndSet(-1, size) || seenDimension.get() == size) {
      return null;
    }
    return "the provider returned vectors of size "
        + size
        + ", expected "
        + seenDimension.get()
        + " as before "
        + DIMENSION_KEYS;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  @Override
  public String toString() {
    return "RemoteEmbedder[" + config.describe() + "]";
  }

  /** One request over some of a batch's inputs; the same object is resent on retries. */
  private static final class Request {
    final Run run;
    final int[] indices;
    final long tokens;
    final byte[] body;
    int attempt;

    Request(Run run, int[] indices, long tokens, byte[] body) {
      this.run = run;
      this.indices = indices;
      this.tokens = tokens;
      this.body = body;
    }
  }

  /** One embedAsync call: an outcome slot per input, open requests and what they cost. */
  private static final class Run {
    final List<String> texts;
    final int[] tokens;
    final float[][] vectors;
    final String[] failures;
    final CompletableFuture<EmbeddingBatch> future = new CompletableFuture<>();
    private final List<Long> latencies = new ArrayList<>();
    private int open;
    private int requests;
    private int retries;
    private int throttled;
    private int failedRequests;
    private long tokensSent;

    Run(List<String> texts, int[] tokens) {
      this.texts = texts;
      this.tokens = tokens;
      this.vectors = new float[texts.size()][];
      this.failures = new String[texts.size()];
    }

    synchronized void failEarly(int input, String reason) {
      failures[input] = reason;
    }

    void start(int requestCount) {
      synchronized (this) {
        open = requestCount;
      }
      completeIfDone();
    }

    synchronized void sent(long tokenCount, long millis) {
      requests++;
      tokensSent += tokenCount;
      latencies.add(millis);
    }

    synchronized void retried() {
      retries++;
    }

    synchronized void throttled() {
      throttled++;
    }

    synchronized void failedRequest() {
      failedRequests++;
    }

    /** A request was split into {@code parts}. */
    synchronized void replaced(int parts) {
      open += parts - 1;
    }

    void embedded(Request r, List<float[]> got) {
      synchronized (this) {
        for (int k = 0; k < r.indices.length; k++) {
          vectors[r.indices[k]] = got.get(k);
        }
        open--;
      }
      completeIfDone();
    }

    void fail(Request r, String reason) {
      synchronized (this) {
        for (int i : r.indices) {
          failures[i] = reason;
        }
        open--;
      }
      completeIfDone();
    }

    void fatal(EmbeddingException e) {
      future.completeExceptionally(e);
    }

    private void completeIfDone() {
      EmbeddingBatch batch;
      synchronized (this) {
        if (open > 0 || future.isDone()) {
          return;
        }
        batch =
            new EmbeddingBatch(
                Arrays.asList(vectors),
                Arrays.asList(failures),
                new CallStats(requests, retries, throttled, failedRequests, tokensSent, latencies));
      }
      future.complete(batch);
    }
  }
}
