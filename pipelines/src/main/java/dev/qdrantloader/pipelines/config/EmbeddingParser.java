package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.ConfigParser.build;
import static dev.qdrantloader.pipelines.config.ConfigParser.inRange;
import static dev.qdrantloader.pipelines.config.ConfigParser.intIn;
import static dev.qdrantloader.pipelines.config.ConfigParser.longIn;

import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig.Provider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code global.embedding}. Defaults come from {@link RemoteEmbeddingConfig} and {@link
 * CacheSettings}; values are checked here first so each problem carries its key and line, and the
 * records' constructors stay the last word.
 */
final class EmbeddingParser {
  /** Keys that only a remote provider reads. */
  static final List<String> REMOTE_KEYS =
      List.of(
          "api_key",
          "base_url",
          "api_version",
          "headers",
          "timeout",
          "max_retries",
          "rpm",
          "tpm",
          "max_concurrency",
          "max_inputs_per_request",
          "max_tokens_per_request",
          "max_tokens_per_input");

  static final Set<String> KEYS = keys();
  static final Set<String> CACHE_KEYS = Set.of("enabled", "path", "max_memory_mb");

  static final int MAX_RETRIES = 100;
  static final int MAX_CONCURRENCY = 1024;

  /** An HTTP header name (RFC 9110 token). */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private static final Pattern AZURE_DEPLOYMENT_PATH = Pattern.compile(".*/deployments/[^/]+");

  private final Path workspace;

  EmbeddingParser(Path workspace) {
    this.workspace = workspace;
  }

  /** In the order of the README, for the list of known keys in messages. */
  private static Set<String> keys() {
    Set<String> all =
        new LinkedHashSet<>(
            List.of("provider", "model", "batch_size", "vector_size", "dimensions", "cache"));
    all.addAll(REMOTE_KEYS);
    return Collections.unmodifiableSet(all);
  }

  EmbeddingSettings parse(YamlSection s) {
    String provider = s.string("provider");
    boolean providerKnown = true;
    if (provider == null) {
      provider = EmbeddingSettings.LOCAL;
    } else if (!EmbeddingSettings.PROVIDERS.contains(provider)) {
      s.problem(
          "provider",
          "unknown provider `"
              + provider
              + "`; supported: "
              + String.join(", ", EmbeddingSettings.PROVIDERS)
              + Suggestions.didYouMean(provider, EmbeddingSettings.PROVIDERS));
      provider = EmbeddingSettings.LOCAL;
      providerKnown = false;
    }
    CacheSettings cache = cache(s.section("cache", CACHE_KEYS));
    Long givenVectorSize = inRange(s, "vector_size", 1, Integer.MAX_VALUE);
    Long givenDimensions = inRange(s, "dimensions", 1, Integer.MAX_VALUE);
    Integer vectorSize = givenVectorSize == null ? null : givenVectorSize.intValue();
    Integer dimensions = givenDimensions == null ? null : givenDimensions.intValue();
    if (vectorSize != null && dimensions != null && !vectorSize.equals(dimensions)) {
      s.problem(
          "dimensions",
          "must equal vector_size ("
              + vectorSize
              + ") when both are given, got "
              + dimensions
              + "; vector_size is the collection's, dimensions what the provider is asked for");
      dimensions = null;
    }
    if (EmbeddingSettings.LOCAL.equals(provider)) {
      return local(s, providerKnown, vectorSize, dimensions, cache);
    }
    return remote(s, Provider.byId(provider), vectorSize, dimensions, cache);
  }

  private EmbeddingSettings local(
      YamlSection s,
      boolean providerKnown,
      Integer vectorSize,
      Integer dimensions,
      CacheSettings cache) {
    if (providerKnown) {
      for (String key : REMOTE_KEYS) {
        if (s.keys().contains(key)) {
          s.keyProblem(
              key,
              "only for remote providers ("
                  + String.join(", ", EmbeddingSettings.PROVIDERS.subList(1, 4))
                  + "); the provider is `local`");
        }
      }
    }
    String id = s.string("model");
    if (id == null) {
      id = EmbeddingSettings.DEFAULT_MODEL;
    }
    Optional<LocalModel> localModel = localModel(id);
    if (localModel.isEmpty()) {
      List<String> ids = Arrays.stream(LocalModel.values()).map(LocalModel::id).toList();
      s.problem(
          "model",
          "unknown local model `"
              + id
              + "`; available: "
              + String.join(", ", ids)
              + Suggestions.didYouMean(id, ids));
    }
    String model = localModel.map(LocalModel::id).orElse(EmbeddingSettings.DEFAULT_MODEL);
    int batchSize =
        intIn(
            s,
            "batch_size",
            EmbeddingSettings.DEFAULT_BATCH_SIZE,
            1,
            EmbeddingSettings.MAX_BATCH_SIZE);
    if (localModel.isPresent()) {
      int dimension = localModel.get().dimension();
      sizeOfModel(s, "vector_size", vectorSize, model, dimension);
      sizeOfModel(s, "dimensions", dimensions, model, dimension);
      vectorSize = dimension;
    }
    Integer v = vectorSize;
    return build(
        s,
        () -> new EmbeddingSettings(EmbeddingSettings.LOCAL, model, batchSize, v, null, cache),
        EmbeddingSettings.defaults());
  }

  private static void sizeOfModel(
      YamlSection s, String key, Integer given, String model, int dimension) {
    if (given != null && given != dimension) {
      s.problem(key, "model `" + model + "` makes vectors of size " + dimension + ", not " + given);
    }
  }

  private EmbeddingSettings remote(
      YamlSection s,
      Provider provider,
      Integer vectorSize,
      Integer dimensions,
      CacheSettings cache) {
    String name = provider.id();
    String model = required(s, "model", name, "");
    if (s.keys().contains("batch_size")) {
      s.keyProblem(
          "batch_size",
          "only for the local provider; for `"
              + name
              + "` use max_inputs_per_request (inputs per request, default "
              + RemoteEmbeddingConfig.DEFAULT_MAX_INPUTS_PER_REQUEST
              + ")");
    }

    String apiKey = apiKey(s, provider);
    String baseUrl = baseUrl(s, provider);
    String apiVersion = null;
    if (provider == Provider.AZURE_OPENAI) {
      apiVersion = required(s, "api_version", name, ", such as 2024-10-21");
    } else if (s.keys().contains("api_version")) {
      s.keyProblem("api_version", "only for azure_openai; the provider is `" + name + "`");
    }
    Map<String, String> headers = headers(s);

    long timeoutMillis = RemoteEmbeddingConfig.DEFAULT_TIMEOUT_MILLIS;
    String timeout = s.string("timeout");
    if (timeout != null) {
      try {
        Duration d = Durations.parse(timeout);
        if (d.toMillis() < 1) {
          s.problem("timeout", "must be positive, got `" + timeout + "`");
        } else {
          timeoutMillis = d.toMillis();
        }
      } catch (IllegalArgumentException e) {
        s.problem("timeout", e.getMessage());
      }
    }
    int maxRetries =
        intIn(s, "max_retries", RemoteEmbeddingConfig.DEFAULT_MAX_RETRIES, 0, MAX_RETRIES);
    int rpm = intIn(s, "rpm", 0, 0, Integer.MAX_VALUE);
    long tpm = longIn(s, "tpm", 0, 0, Long.MAX_VALUE);
    int maxConcurrency =
        intIn(
            s,
            "max_concurrency",
            RemoteEmbeddingConfig.DEFAULT_MAX_CONCURRENCY,
            1,
            MAX_CONCURRENCY);
    int maxInputs =
        intIn(
            s,
            "max_inputs_per_request",
            RemoteEmbeddingConfig.DEFAULT_MAX_INPUTS_PER_REQUEST,
            1,
            Integer.MAX_VALUE);
    long maxTokensPerRequest =
        longIn(
            s,
            "max_tokens_per_request",
            RemoteEmbeddingConfig.DEFAULT_MAX_TOKENS_PER_REQUEST,
            ChunkingSettings.MIN_CHUNK_SIZE,
            Long.MAX_VALUE);
    // A chunk is at least MIN_CHUNK_SIZE tokens: a smaller window or request could hold none.
    Long givenPerInput =
        inRange(s, "max_tokens_per_input", ChunkingSettings.MIN_CHUNK_SIZE, Integer.MAX_VALUE);
    int maxTokensPerInput;
    if (givenPerInput == null) {
      // One input must fit in one request: a lower request cap lowers the default window too.
      maxTokensPerInput =
          (int) Math.min(RemoteEmbeddingConfig.DEFAULT_MAX_TOKENS_PER_INPUT, maxTokensPerRequest);
    } else if (givenPerInput > maxTokensPerRequest) {
      s.problem(
          "max_tokens_per_input",
          "must be at most max_tokens_per_request ("
              + maxTokensPerRequest
              + ") since one input must fit in one request, got "
              + givenPerInput);
      maxTokensPerInput = (int) Math.min(givenPerInput, maxTokensPerRequest);
    } else {
      maxTokensPerInput = givenPerInput.intValue();
    }

    String m = model;
    String version = apiVersion;
    long t = timeoutMillis;
    RemoteEmbeddingConfig remote =
        build(
            s,
            () ->
                new RemoteEmbeddingConfig(
                    provider,
                    m,
                    dimensions,
                    apiKey,
                    baseUrl,
                    version,
                    headers,
                    t,
                    maxRetries,
                    rpm,
                    tpm,
                    maxConcurrency,
                    maxInputs,
                    maxTokensPerRequest,
                    maxTokensPerInput));
    if (remote == null) {
      return EmbeddingSettings.defaults();
    }
    Integer v = vectorSize != null ? vectorSize : dimensions;
    int batchSize = Math.min(maxInputs, EmbeddingSettings.MAX_BATCH_SIZE);
    return build(
        s,
        () -> new EmbeddingSettings(name, m, batchSize, v, remote, cache),
        EmbeddingSettings.defaults());
  }

  /**
   * A plain string the provider needs; when it is missing or empty the problem is recorded and a
   * placeholder returned, so the rest of the section is still checked.
   */
  private static String required(YamlSection s, String key, String provider, String example) {
    String value = s.string(key);
    if (value != null && !value.isBlank()) {
      return value.strip();
    }
    if (value == null && !s.has(key)) {
      s.problemHere("`" + key + "` is required when the provider is `" + provider + "`" + example);
    } else if (value != null) {
      s.problem(key, "must not be empty");
    }
    // Otherwise the value could not be read, which is reported already.
    return "unknown";
  }

  /** The key, required by openai and azure_openai; for openai_compatible empty means none. */
  private static String apiKey(YamlSection s, Provider provider) {
    String apiKey = s.string("api_key");
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.strip();
    }
    if (provider == Provider.OPENAI_COMPATIBLE) {
      return null;
    }
    String example =
        "api_key: ${"
            + provider.name()
            + "_API_KEY} with the variable set in the environment or .env";
    if (apiKey != null) {
      // Never echo the value: it is a secret, even when it is only whitespace.
      s.problem(
          "api_key",
          "is empty, but `"
              + provider.id()
              + "` needs a key; if it comes from a variable, that variable is empty ("
              + example
              + ")");
    } else if (!s.keys().contains("api_key")) {
      s.problemHere(
          "`api_key` is required when the provider is `" + provider.id() + "`: " + example);
    } else if (!s.has("api_key")) {
      s.problem("api_key", "must not be empty: " + example);
    }
    // Otherwise the value could not be read, which is reported already.
    return "unknown";
  }

  /** The API root without a trailing slash; the public API by default for openai. */
  private static String baseUrl(YamlSection s, Provider provider) {
    String raw = s.string("base_url");
    String placeholder = "http://unknown";
    if (raw == null && s.has("base_url")) {
      return placeholder; // unreadable, reported already
    }
    if (raw == null && provider == Provider.OPENAI) {
      return RemoteEmbeddingConfig.OPENAI_BASE_URL;
    }
    if (raw == null) {
      s.problemHere(
          "`base_url` is required when the provider is `"
              + provider.id()
              + "`, such as "
              + example(provider));
      return placeholder;
    }
    if (raw.isBlank()) {
      s.problem("base_url", "must not be empty");
      return placeholder;
    }
    String url = raw.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null ? null : uri.getScheme();
    if (uri == null
        || uri.getHost() == null
        || scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      // The URL is not echoed: it may carry credentials.
      s.problem("base_url", "expected an http(s) URL such as " + example(provider));
      return placeholder;
    }
    if (uri.getRawUserInfo() != null) {
      // Printed by `config` and in messages otherwise; not echoed here either.
      s.problem(
          "base_url",
          "must not carry credentials (`user:password@`); put the key in api_key or in headers");
      return placeholder;
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      s.problem(
          "base_url",
          "must not have a query or fragment (`/embeddings` is appended to it"
              + (provider == Provider.AZURE_OPENAI ? "; set api_version on its own" : "")
              + ")");
      return placeholder;
    }
    if (provider == Provider.AZURE_OPENAI
        && !AZURE_DEPLOYMENT_PATH.matcher(uri.getRawPath()).matches()) {
      s.problem(
          "base_url", "for azure_openai, expected the deployment URL such as " + example(provider));
      return placeholder;
    }
    return url;
  }

  private static String example(Provider provider) {
    return switch (provider) {
      case OPENAI -> RemoteEmbeddingConfig.OPENAI_BASE_URL;
      case AZURE_OPENAI -> "https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT";
      case OPENAI_COMPATIBLE -> "http://localhost:11434/v1 (Ollama)";
    };
  }

  /** Extra HTTP headers; values are secrets, so no message shows one. */
  private static Map<String, String> headers(YamlSection s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!s.has("headers")) {
      return out;
    }
    YamlSection h = s.names("headers");
    for (String header : h.keys()) {
      if (!HEADER_NAME.matcher(header).matches()) {
        h.keyProblem(header, "not a valid HTTP header name");
        continue;
      }
      String value = h.string(header);
      if (value == null && h.has(header)) {
        continue; // unreadable, reported already
      }
      if (value == null || value.isBlank()) {
        h.problem(header, "needs a value (if it comes from a variable, that variable is empty)");
        continue;
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        h.problem(header, "a header value must not contain line breaks");
        continue;
      }
      out.put(header, value.strip());
    }
    return out;
  }

  private CacheSettings cache(YamlSection c) {
    Boolean enabled = c.bool("enabled");
    String path = CacheSettings.DEFAULT_PATH;
    String raw = c.string("path");
    if (raw != null && raw.isBlank()) {
      c.problem("path", "must not be empty");
    } else if (raw != null) {
      path = raw.strip();
    }
    String resolved;
    try {
      resolved = workspace.resolve(path).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      c.problem("path", "not a valid path: " + e.getMessage());
      resolved = CacheSettings.defaults(workspace).path();
    }
    int maxMemoryMb =
        intIn(c, "max_memory_mb", CacheSettings.DEFAULT_MAX_MEMORY_MB, 0, Integer.MAX_VALUE);
    boolean e = enabled != null && enabled;
    String p = resolved;
    return build(c, () -> new CacheSettings(e, p, maxMemoryMb), CacheSettings.defaults(workspace));
  }

  static Optional<LocalModel> localModel(String id) {
    String wanted = id.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(LocalModel.values()).filter(m -> m.id().equals(wanted)).findFirst();
  }
}
