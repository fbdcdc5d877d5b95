package dev.qdrantloader.pipelines.config;

import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Prints the effective configuration for the {@code config} command: the schema's snake_case keys
 * with every default filled in, readable back by {@link WorkspaceConfig}. Secrets never appear: a
 * value under a key naming an api key, token, password, secret or credentials prints as {@code
 * ****}, and so do every HTTP header value and the user-info part of any URL.
 */
public final class ConfigPrinter {
  static final String MASK = "****";

  private static final List<String> SECRET_KEY_PARTS =
      List.of("api_key", "apikey", "password", "secret", "credentials");

  /** {@code access_token} is a secret, {@code max_tokens_per_input} a limit. */
  private static final Pattern TOKEN = Pattern.compile("token(?!s)");

  private static final Pattern URL_USER_INFO = Pattern.compile("(://)[^/@\\s]+@");

  private ConfigPrinter() {}

  /** The configuration as YAML, secrets masked. */
  public static String toYaml(IngestionConfig config) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("global", global(config));
    Map<String, Object> projects = new LinkedHashMap<>();
    for (ProjectConfig p : config.projects()) {
      projects.put(p.id(), project(p));
    }
    root.put("projects", projects);

    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setSplitLines(false);
    return "# Effective configuration of "
        + config.workspace()
        + " (defaults filled in, secrets masked)\n"
        + new Yaml(options).dump(masked(root));
  }

  private static Map<String, Object> global(IngestionConfig config) {
    QdrantSettings q = config.qdrant();
    Map<String, Object> qdrant = new LinkedHashMap<>();
    qdrant.put("url", q.isLocal() ? "local" : q.url());
    qdrant.put("api_key", q.apiKey());
    qdrant.put("collection_name", q.collectionName());

    Map<String, Object> embedding = embedding(config.embedding());

    Map<String, Object> chunking = new LinkedHashMap<>();
    chunking.put("chunk_size", config.chunking().chunkSize());
    chunking.put("chunk_overlap", config.chunking().chunkOverlap());

    Map<String, Object> fileConversion = new LinkedHashMap<>();
    fileConversion.put("max_file_size", config.fileConversion().maxFileSize());
    fileConversion.put(
        "conversion_timeout", Durations.format(config.fileConversion().conversionTimeout()));

    ResourceLimits r = config.resources();
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("max_heap", ResourceLimits.percent(r.maxHeapFraction()));
    resources.put("max_cpu", ResourceLimits.percent(r.maxCpuFraction()));
    resources.put("sample_interval", Durations.format(r.sampleInterval()));
    resources.put("max_wait", Durations.format(r.maxWait()));

    Map<String, Object> global = new LinkedHashMap<>();
    global.put("qdrant", qdrant);
    global.put("embedding", embedding);
    global.put("chunking", chunking);
    global.put("file_conversion", fileConversion);
    global.put("resources", resources);
    return global;
  }

  /** Only the keys the provider reads, so the printed file loads back. */
  private static Map<String, Object> embedding(EmbeddingSettings e) {
    Map<String, Object> embedding = new LinkedHashMap<>();
    embedding.put("provider", e.provider());
    embedding.put("model", e.model());
    RemoteEmbeddingConfig r = e.remote();
    if (r == null) {
      embedding.put("batch_size", e.batchSize());
      embedding.put("vector_size", e.vectorSize());
    } else {
      embedding.put("dimensions", r.dimensions());
      embedding.put("vector_size", e.vectorSize());
      embedding.put("api_key", r.apiKey());
      embedding.put("base_url", r.baseUrl());
      if (r.provider() == RemoteEmbeddingConfig.Provider.AZURE_OPENAI) {
        embedding.put("api_version", r.apiVersion());
      }
      // Header names are free-form, so their values are masked here, not by key name.
      Map<String, Object> headers = new LinkedHashMap<>();
      r.headers().keySet().forEach(name -> headers.put(name, MASK));
      embedding.put("headers", headers);
      embedding.put("timeout", Durations.format(Duration.ofMillis(r.timeoutMillis())));
      embedding.put("max_retries", r.maxRetries());
      embedding.put("rpm", r.rpm());
      embedding.put("tpm", r.tpm());
      embedding.put("max_concurrency", r.maxConcurrency());
      embedding.put("max_inputs_per_request", r.maxInputsPerRequest());
      embedding.put("max_tokens_per_request", r.maxTokensPerRequest());
      embedding.put("max_tokens_per_input", r.maxTokensPerInput());
    }
    Map<String, Object> cache = new LinkedHashMap<>();
    cache.put("enabled", e.cache().enabled());
    cache.put("path", e.cache().path());
    cache.put("max_memory_mb", e.cache().maxMemoryMb());
    embedding.put("cache", cache);
    return embedding;
  }

  private static Map<String, Object> project(ProjectConfig p) {
    Map<String, Object> localfile = new LinkedHashMap<>();
    for (LocalFileSourceConfig s : p.localFileSources()) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("base_url", s.baseUrl());
      source.put("include_paths", s.includePaths());
      source.put("exclude_paths", s.excludePaths());
      source.put("file_types", s.fileTypes());
      source.put("max_file_size", s.maxFileSize());
      localfile.put(s.name(), source);
    }
    Map<String, Object> project = new LinkedHashMap<>();
    project.put("display_name", p.displayName());
    if (p.description() != null) {
      project.put("description", p.description());
    }
    project.put("sources", Map.of(LocalFileSourceConfig.TYPE, localfile));
    return project;
  }

  /** A copy of the tree with secrets masked; applied to the whole tree so new keys are covered. */
  private static Object masked(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object v = entry.getValue();
        out.put(key, isSecretKey(key) && v != null ? MASK : masked(v));
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object item : list) {
        out.add(masked(item));
      }
      return out;
    }
    if (value instanceof String s) {
      return URL_USER_INFO.matcher(s).replaceAll("$1" + MASK + "@");
    }
    return value;
  }

  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SECRET_KEY_PARTS.stream().anyMatch(k::contains) || TOKEN.matcher(k).find();
  }
}
