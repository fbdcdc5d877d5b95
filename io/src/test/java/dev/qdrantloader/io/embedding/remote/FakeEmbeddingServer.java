package dev.qdrantloader.io.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on loopback speaking the OpenAI embeddings API ({@code POST /v1/embeddings}),
 * for tests and benchmarks of remote providers: configurable latency (base plus per input), caps on
 * inputs and tokens per request, injected faults (429 with Retry-After, 500, a hang past the
 * client's timeout, malformed JSON), a poisoned input that fails its request with a 400 naming it,
 * a wrong vector size, and deterministic unit vectors (SHA-256 of the text). It counts what it
 * served so tests can check limits from the server's side.
 *
 * <p>Tokens are counted as whitespace-separated words: deterministic and close enough to a real
 * tokenizer for limits.
 */
public final class FakeEmbeddingServer implements AutoCloseable {
  /** A text containing this marker makes its request fail with a 400 that names the input. */
  public static final String POISON = "<<poison>>";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Config config;
  private final HttpServer server;
  private final ExecutorService workers;
  private final Random random;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong inputs = new AtomicLong();
  private final AtomicLong faults = new AtomicLong();
  private final AtomicLong base64Answers = new AtomicLong();
  private final ConcurrentLinkedQueue<long[]> log = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private volatile double faultRate;
  private volatile Map<String, List<String>> lastHeaders = Map.of();
  private volatile String lastQuery;

  /**
   * One request as the server saw it.
   *
   * @param millis arrival time ({@link System#currentTimeMillis()})
   * @param status the answer's status, 0 for a hang (no answer)
   * @param inputs a hash of the request's inputs: the same for a retry of the same request
   * @param tokens tokens of its inputs
   */
  public record Arrival(long millis, int status, String inputs, int tokens) {}

  /**
   * What the server does.
   *
   * @param dimension size of the vectors it returns
   * @param baseLatencyMillis time every successful request takes
   * @param perInputMillis extra time per input
   * @param maxInputs inputs per request above which it answers 400 (0: no cap)
   * @param maxTokensPerRequest tokens per request above which it answers 400 (0: no cap)
   * @param faultRate share of requests answered with a fault (seeded, reproducible)
   * @param fault which fault: "429", "500", "hang" or "malformed"
   * @param retryAfterSeconds the Retry-After of a 429
   * @param apiKey the bearer token it requires (null: none)
   * @param threads requests served in parallel
   * @param seed seed of the fault draws
   */
  public record Config(
      int dimension,
      long baseLatencyMillis,
      long perInputMillis,
      int maxInputs,
      int maxTokensPerRequest,
      double faultRate,
      String fault,
      int retryAfterSeconds,
      String apiKey,
      int threads,
      long seed) {
    /** 384-d vectors, no latency, no caps, no faults, no key, 8 threads. */
    public static Config defaults() {
      return new Config(384, 0, 0, 0, 0, 0.0, "500", 1, null, 8, 42);
    }

    public Config withLatency(long baseMillis, long perInput) {
      return new Config(
          dimension,
          baseMillis,
          perInput,
          maxInputs,
          maxTokensPerRequest,
          faultRate,
          fault,
          retryAfterSeconds,
          apiKey,
          threads,
          seed);
    }

    public Config withCaps(int inputs, int tokens) {
      return new Config(
          dimension,
          baseLatencyMillis,
          perInputMillis,
          inputs,
          tokens,
          faultRate,
          fault,
          retryAfterSeconds,
          apiKey,
          threads,
          seed);
    }

    public Config withFaults(double rate, String kind, int retryAfter) {
      return new Config(
          dimension,
          baseLatencyMillis,
          perInputMillis,
          maxInputs,
          maxTokensPerRequest,
          rate,
          kind,
          retryAfter,
          apiKey,
          threads,
          seed);
    }

    public Config withDimension(int d) {
      return new Config(
          d,
          baseLatencyMillis,
          perInputMillis,
          maxInputs,
          maxTokensPerRequest,
          faultRate,
          fault,
          retryAfterSeconds,
          apiKey,
          threads,
          seed);
    }

    public Config withThreads(int n) {
      return new Config(
          dimension,
          baseLatencyMillis,
          perInputMillis,
          maxInputs,
          maxTokensPerRequest,
          faultRate,
          fault,
          retryAfterSeconds,
          apiKey,
          n,
          seed);
    }

    public Config withApiKey(String key) {
      return new Config(
          dimension,
          baseLatencyMillis,
          perInputMillis,
          maxInputs,
          maxTokensPerRequest,
          faultRate,
          fault,
          retryAfterSeconds,
          key,
          threads,
          seed);
    }
  }

  private FakeEmbeddingServer(Config config) throws IOException {
    this.config = config;
    this.random = new Random(config.seed());
    this.faultRate = config.faultRate();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.workers = Executors.newFixedThreadPool(config.threads());
    server.setExecutor(workers);
    server.createContext("/v1/embeddings", this::handle);
  }

  /** Starts a server on a free loopback port. */
  public static FakeEmbeddingServer start(Config config) throws IOException {
    FakeEmbeddingServer s = new FakeEmbeddingServer(config);
    s.server.start();
    return s;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:41234/v1}. */
  public String baseUrl() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/v1";
  }

  /** Every request parsed so far with its outcome, by arrival time. */
  public List<Arrival> arrivals() {
    List<Arrival> all = new ArrayList<>(arrivals);
    all.sort((a, b) -> Long.compare(a.millis(), b.millis()));
    return all;
  }

  /** The most requests that were being handled at the same time. */
  public int maxConcurrent() {
    return maxConcurrent.get();
  }

  /** Changes the share of requests answered with the configured fault from now on. */
  public void setFaultRate(double rate) {
    faultRate = rate;
  }

  /** Headers of the last request (names lower case). */
  public Map<String, List<String>> lastHeaders() {
    return lastHeaders;
  }

  /** Query string of the last request, or null. */
  public String lastQuery() {
    return lastQuery;
  }

  /** Requests received (any outcome). */
  public long requests() {
    return requests.get();
  }

  /** Requests answered with vectors. */
  public long served() {
    return served.get();
  }

  /** Served requests that asked for {@code encoding_format: base64} and got it. */
  public long base64Answers() {
    return base64Answers.get();
  }

  /** Inputs embedded in served requests. */
  public long inputs() {
    return inputs.get();
  }

  /** Requests answered with an injected fault. */
  public long faults() {
    return faults.get();
  }

  /**
   * The most requests, and the most tokens, received within any window of {@code millis} (by
   * arrival time): what rate limits are checked against.
   */
  public long[] maxInWindow(long millis) {
    List<long[]> all = new ArrayList<>(log);
    all.sort((a, b) -> Long.compare(a[0], b[0]));
    long maxRequests = 0;
    long maxTokens = 0;
    int start = 0;
    long tokens = 0;
    for (int end = 0; end < all.size(); end++) {
      tokens += all.get(end)[1];
      while (all.get(end)[0] - all.get(start)[0] >= millis) {
        tokens -= all.get(start)[1];
        start++;
      }
      maxRequests = Math.max(maxRequests, end - start + 1);
      maxTokens = Math.max(maxTokens, tokens);
    }
    return new long[] {maxRequests, maxTokens};
  }

  /** The vector the server returns for {@code text} (before any wrong-dimension setting). */
  public static float[] vectorFor(String text, int dimension) {
    byte[] seed;
    try {
      seed = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Random r = new Random(ByteBuffer.wrap(seed).getLong());
    float[] v = new float[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dimension; i++) {
      v[i] *= inv;
    }
    return v;
  }

  static int tokens(String text) {
    String t = text.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = concurrent.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    try {
      serve(ex);
    } finally {
      concurrent.decrementAndGet();
    }
  }

  private void serve(HttpExchange ex) throws IOException {
    long arrived = System.currentTimeMillis();
    try (ex) {
      requests.incrementAndGet();
      Map<String, List<String>> headers = new TreeMap<>();
      ex.getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      lastHeaders = headers;
      lastQuery = ex.getRequestURI().getRawQuery();
      if (!"POST".equals(ex.getRequestMethod())) {
        error(ex, 405, "only POST");
        return;
      }
      String bearer = ex.getRequestHeaders().getFirst("Authorization");
      String azureKey = ex.getRequestHeaders().getFirst("api-key");
      if (config.apiKey() != null
          && !("Bearer " + config.apiKey()).equals(bearer)
          && !config.apiKey().equals(azureKey)) {
        // Like real providers, the answer echoes the key it was given.
        error(ex, 401, "Incorrect API key provided: " + (bearer != null ? bearer : azureKey));
        return;
      }
      JsonNode body;
      try {
        body = JSON.readTree(ex.getRequestBody());
      } catch (IOException e) {
        error(ex, 400, "request body is not JSON");
        return;
      }
      List<String> texts = new ArrayList<>();
      JsonNode input = body.path("input");
      if (input.isTextual()) {
        texts.add(input.asText());
      } else if (input.isArray()) {
        input.forEach(n -> texts.add(n.asText()));
      } else {
        error(ex, 400, "'input' must be a string or an array of strings");
        return;
      }
      int tokenCount = 0;
      for (String t : texts) {
        tokenCount += tokens(t);
      }
      log.add(new long[] {arrived, tokenCount});
      String hash = hash(texts);
      int tokenTotal = tokenCount;
      boolean fault;
      synchronized (random) {
        fault = random.nextDouble() < faultRate;
      }
      if (fault) {
        faults.incrementAndGet();
        switch (config.fault()) {
          case "429":
            ex.getResponseHeaders()
                .add("Retry-After", Integer.toString(config.retryAfterSeconds()));
            arrivals.add(new Arrival(arrived, 429, hash, tokenTotal));
            error(ex, 429, "Rate limit reached, retry later");
            return;
          case "hang":
            arrivals.add(new Arrival(arrived, 0, hash, tokenTotal));
            sleep(60_000);
            return;
          case "401":
            arrivals.add(new Arrival(arrived, 401, hash, tokenTotal));
            error(ex, 401, "Incorrect API key provided");
            return;
          case "malformed":
            arrivals.add(new Arrival(arrived, 200, hash, tokenTotal));
            send(ex, 200, "{\"object\": \"list\", \"data\": [".getBytes(StandardCharsets.UTF_8));
            return;
          default:
            arrivals.add(new Arrival(arrived, 500, hash, tokenTotal));
            error(ex, 500, "The server had an error while processing your request");
            return;
        }
      }
      arrivals.add(new Arrival(arrived, answerStatus(texts, tokenCount), hash, tokenTotal));
      if (config.maxInputs() > 0 && texts.size() > config.maxInputs()) {
        error(ex, 400, "too many inputs: " + texts.size() + " > " + config.maxInputs());
        return;
      }
      if (config.maxTokensPerRequest() > 0 && tokenCount > config.maxTokensPerRequest()) {
        error(ex, 400, "too many tokens: " + tokenCount + " > " + config.maxTokensPerRequest());
        return;
      }
      for (int i = 0; i < texts.size(); i++) {
        if (texts.get(i).contains(POISON)) {
          error(ex, 400, "input[" + i + "] is invalid: it contains a forbidden sequence");
          return;
        }
      }
      sleep(config.baseLatencyMillis() + config.perInputMillis() * texts.size());
      int dimension =
          body.hasNonNull("dimensions") ? body.get("dimensions").asInt() : config.dimension();
      boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
      java.io.ByteArrayOutputStream answer =
          new java.io.ByteArrayOutputStream(256 + texts.size() * dimension * (base64 ? 6 : 12));
      try (com.fasterxml.jackson.core.JsonGenerator g = JSON.createGenerator(answer)) {
        g.writeStartObject();
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
        for (int i = 0; i < texts.size(); i++) {
          g.writeStartObject();
          g.writeStringField("object", "embedding");
          g.writeNumberField("index", i);
          float[] v = vectorFor(texts.get(i), dimension);
          if (base64) {
            ByteBuffer b =
                ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            g.writeStringField(
                "embedding", java.util.Base64.getEncoder().encodeToString(b.array()));
          } else {
            g.writeArrayFieldStart("embedding");
            for (float f : v) {
              g.writeNumber(f);
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("model", body.path("model").asText("fake"));
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", tokenCount);
        g.writeNumberField("total_tokens", tokenCount);
        g.writeEndObject();
        g.writeEndObject();
      }
      served.incrementAndGet();
      inputs.addAndGet(texts.size());
      if (base64) {
        base64Answers.incrementAndGet();
      }
      send(ex, 200, answer.toByteArray());
    }
  }

  private int answerStatus(List<String> texts, int tokenCount) {
    if (config.maxInputs() > 0 && texts.size() > config.maxInputs()
        || config.maxTokensPerRequest() > 0 && tokenCount > config.maxTokensPerRequest()
        || texts.stream().anyMatch(t -> t.contains(POISON))) {
      return 400;
    }
    return 200;
  }

  /** A hash of the inputs, in order: what identifies a request's retries. */
  public static String hash(List<String> texts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String t : texts) {
        md.update(t.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode err = JSON.createObjectNode();
    err.putObject("error").put("message", message).put("type", "invalid_request_error");
    send(ex, status, JSON.writeValueAsBytes(err));
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
