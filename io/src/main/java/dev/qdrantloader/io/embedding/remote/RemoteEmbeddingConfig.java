package dev.qdrantloader.io.embedding.remote;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to reach a remote embedding provider and how hard to drive it. Immutable and serializable: it
 * travels inside the pipeline, and every DoFn in a JVM that holds an equal config shares one
 * client, one set of rate limits and one in-flight bound.
 *
 * @param provider the API dialect
 * @param model the model name sent in each request (for Azure, informational: the deployment in the
 *     URL decides)
 * @param dimensions vector size to ask for with the {@code dimensions} parameter (text-embedding-3
 *     models and servers that accept it), or null to take the model's own size; when known (given,
 *     or a known OpenAI model) every returned vector is checked against it
 * @param apiKey the secret, or null (openai_compatible servers without authentication)
 * @param baseUrl the API root the path {@code /embeddings} is appended to: {@code
 *     https://api.openai.com/v1} for openai, the deployment URL {@code
 *     https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT} for azure_openai, the
 *     server's {@code /v1} root for openai_compatible
 * @param apiVersion Azure's {@code api-version} query parameter (azure_openai only)
 * @param headers extra HTTP headers sent with every request (values may be secrets)
 * @param timeoutMillis time allowed for one request before it counts as a transient fault
 * @param maxRetries retries of one request after transient faults (429, 5xx, timeout, connection)
 * @param rpm requests per minute allowed from this JVM, 0 for no limit
 * @param tpm input tokens per minute allowed from this JVM, 0 for no limit
 * @param maxConcurrency requests in flight from this JVM (and from one DoFn instance)
 * @param maxInputsPerRequest inputs per request
 * @param maxTokensPerRequest tokens per request, over all its inputs
 * @param maxTokensPerInput tokens the model accepts in one input (chunks are cut to fit)
 */
public record RemoteEmbeddingConfig(
    Provider provider,
    String model,
    Integer dimensions,
    String apiKey,
    String baseUrl,
    String apiVersion,
    Map<String, String> headers,
    long timeoutMillis,
    int maxRetries,
    int rpm,
    long tpm,
    int maxConcurrency,
    int maxInputsPerRequest,
    long maxTokensPerRequest,
    int maxTokensPerInput)
    implements Serializable {

  /** The API dialects. */
  public enum Provider {
    OPENAI("openai"),
    AZURE_OPENAI("azure_openai"),
    OPENAI_COMPATIBLE("openai_compatible");

    private final String id;

    Provider(String id) {
      this.id = id;
    }

    /** The name used in config.yaml. */
    public String id() {
      return id;
    }

    public static Provider byId(String id) {
      for (Provider p : values()) {
        if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown remote provider `" + id + "`");
    }
  }

  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
  public static final long DEFAULT_TIMEOUT_MILLIS = 60_000;
  public static final int DEFAULT_MAX_RETRIES = 6;
  public static final int DEFAULT_MAX_CONCURRENCY = 16;

  /** OpenAI's cap on inputs per request. */
  public static final int DEFAULT_MAX_INPUTS_PER_REQUEST = 2048;

  /** OpenAI's cap on tokens per request, over all inputs. */
  public static final long DEFAULT_MAX_TOKENS_PER_REQUEST = 300_000;

  /** The window of OpenAI's embedding models. */
  public static final int DEFAULT_MAX_TOKENS_PER_INPUT = 8191;

  public RemoteEmbeddingConfig {
    if (provider == null) {
      throw new IllegalArgumentException("provider must not be null");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    if (dimensions != null && dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
    }
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException("base_url is required for " + provider.id());
    }
    if (provider == Provider.AZURE_OPENAI && (apiVersion == null || apiVersion.isBlank())) {
      throw new IllegalArgumentException("api_version is required for azure_openai");
    }
    headers = headers == null ? Map.of() : Map.copyOf(new TreeMap<>(headers));
    positive("timeout", timeoutMillis);
    if (maxRetries < 0) {
      throw new IllegalArgumentException("max_retries must not be negative, got " + maxRetries);
    }
    if (rpm < 0 || tpm < 0) {
      throw new IllegalArgumentException("rpm and tpm must not be negative");
    }
    positive("max_concurrency", maxConcurrency);
    positive("max_inputs_per_request", maxInputsPerRequest);
    positive("max_tokens_per_request", maxTokensPerRequest);
    positive("max_tokens_per_input", maxTokensPerInput);
  }

  private static void positive(String key, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }

  /**
   * A config with every limit at its default: for {@code openai} the base URL may be null (the
   * public API).
   */
  public static RemoteEmbeddingConfig of(
      Provider provider, String model, String apiKey, String baseUrl) {
    return new RemoteEmbeddingConfig(
        provider,
        model,
        null,
        apiKey,
        baseUrl == null && provider == Provider.OPENAI ? OPENAI_BASE_URL : baseUrl,
        null,
        Map.of(),
        DEFAULT_TIMEOUT_MILLIS,
        DEFAULT_MAX_RETRIES,
        0,
        0,
        DEFAULT_MAX_CONCURRENCY,
        DEFAULT_MAX_INPUTS_PER_REQUEST,
        DEFAULT_MAX_TOKENS_PER_REQUEST,
        DEFAULT_MAX_TOKENS_PER_INPUT);
  }

  /**
   * Provider, model, dimensions and base URL: names the vector space (cache keys) and appears in
   * logs and reports. Never the key or header values.
   */
  public String describe() {
    return provider.id()
        + "/"
        + model
        + (dimensions == null ? "" : "/" + dimensions)
        + " at "
        + baseUrl;
  }

  @Override
  public String toString() {
    return "RemoteEmbeddingConfig[" + describe() + ", secrets hidden]";
  }

  public RemoteEmbeddingConfig withDimensions(Integer value) {
    return new RemoteEmbeddingConfig(
        provider,
        model,
        value,
        apiKey,
        baseUrl,
        apiVersion,
        headers,
        timeoutMillis,
        maxRetries,
        rpm,
        tpm,
        maxConcurrency,
        maxInputsPerRequest,
        maxTokensPerRequest,
        maxTokensPerInput);
  }

  public RemoteEmbeddingConfig withLimits(
      int rpm, long tpm, int maxConcurrency, int maxInputsPerRequest, long maxTokensPerRequest) {
    return new RemoteEmbeddingConfig(
        provider,
        model,
        dimensions,
        apiKey,
        baseUrl,
        apiVersion,
        headers,
        timeoutMillis,
        maxRetries,
        rpm,
        tpm,
        maxConcurrency,
        maxInputsPerRequest,
        maxTokensPerRequest,
        maxTokensPerInput);
  }

  public RemoteEmbeddingConfig withRetries(long timeoutMillis, int maxRetries) {
    return new RemoteEmbeddingConfig(
        provider,
        model,
        dimensions,
        apiKey,
        baseUrl,
        apiVersion,
        headers,
        timeoutMillis,
        maxRetries,
        rpm,
        tpm,
        maxConcurrency,
        maxInputsPerRequest,
        maxTokensPerRequest,
        maxTokensPerInput);
  }
}
