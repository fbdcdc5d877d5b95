package dev.qdrantloader.pipelines.config;

import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps the YAML schema of {@code config.yaml} onto the typed configuration, checking values. */
final class ConfigParser {
  static final Set<String> ROOT_KEYS = Set.of("global", "projects", "sources");
  private static final Set<String> GLOBAL_KEYS =
      Set.of("qdrant", "embedding", "chunking", "file_conversion", "resources");
  private static final Set<String> QDRANT_KEYS = Set.of("url", "api_key", "collection_name");
  private static final Set<String> CHUNKING_KEYS = Set.of("chunk_size", "chunk_overlap");
  private static final Set<String> FILE_CONVERSION_KEYS =
      Set.of("max_file_size", "conversion_timeout");
  private static final Set<String> RESOURCES_KEYS =
      Set.of("max_heap", "max_cpu", "sample_interval", "max_wait");
  private static final Set<String> PROJECT_KEYS = Set.of("display_name", "description", "sources");
  private static final Set<String> LOCALFILE_KEYS =
      Set.of("base_url", "include_paths", "exclude_paths", "file_types", "max_file_size");

  /** Source types of the Python loader that come later; named so the error can say so. */
  private static final List<String> LATER_SOURCE_TYPES =
      List.of("git", "confluence", "jira", "publicdocs");

  static final String DEFAULT_PROJECT_ID = "default";
  static final String DEFAULT_PROJECT_NAME = "Default Project";

  private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
  private static final Pattern SOURCE_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$");
  private static final Pattern COLLECTION_FORBIDDEN = Pattern.compile("[<>:\"/\\\\|?*\\x00]");
  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

  private final Path workspace;

  ConfigParser(Path workspace) {
    this.workspace = workspace;
  }

  /** Reads the whole file; problems are recorded in the root's context, never thrown here. */
  IngestionConfig parse(YamlSection root) {
    YamlSection global = root.section("global", GLOBAL_KEYS);
    QdrantSettings qdrant = qdrant(global.section("qdrant", QDRANT_KEYS));
    EmbeddingSettings embedding =
        new EmbeddingParser(workspace).parse(global.section("embedding", EmbeddingParser.KEYS));
    ChunkingSettings chunking = chunking(global.section("chunking", CHUNKING_KEYS), embedding);
    FileConversionSettings fileConversion =
        fileConversion(global.section("file_conversion", FILE_CONVERSION_KEYS));
    ResourceLimits resources = resources(global.section("resources", RESOURCES_KEYS));

    List<ProjectConfig> projects = new ArrayList<>();
    if (root.has("projects") && root.has("sources")) {
      root.keyProblem(
          "sources",
          "a top-level `sources` cannot be used together with `projects`; move these sources"
              + " under a project in `projects`, or remove `projects`");
    } else if (root.has("sources")) {
      List<LocalFileSourceConfig> sources = sources(root.names("sources"));
      projects.add(new ProjectConfig(DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, null, sources));
    } else {
      YamlSection all = root.names("projects");
      for (String id : all.keys()) {
        ProjectConfig p = project(all, id);
        if (p != null) {
          projects.add(p);
        }
      }
    }
    return build(
        root,
        () ->
            new IngestionConfig(
                workspace, qdrant, embedding, chunking, fileConversion, resources, projects));
  }

  private QdrantSettings qdrant(YamlSection s) {
    String url = s.string("url");
    if (url != null && (url.isBlank() || url.strip().equalsIgnoreCase("local"))) {
      url = null;
    }
    if (url != null && !isHttpUrl(url)) {
      s.problem("url", "expected an http(s) URL such as http://localhost:6334, or `local`");
      url = null;
    }
    String apiKey = s.string("api_key");
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    String collection = s.string("collection_name");
    if (collection == null) {
      collection = QdrantSettings.DEFAULT_COLLECTION_NAME;
    } else if (collection.isBlank()
        || collection.length() > 255
        || COLLECTION_FORBIDDEN.matcher(collection).find()) {
      s.problem(
          "collection_name",
          "expected 1 to 255 characters without <>:\"/\\|?*, got `" + collection + "`");
      collection = QdrantSettings.DEFAULT_COLLECTION_NAME;
    }
    String u = url;
    String k = apiKey;
    String c = collection;
    return build(s, () -> new QdrantSettings(u, k, c), QdrantSettings.defaults());
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      return uri.getHost() != null
          && scheme != null
          && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private ChunkingSettings chunking(YamlSection s, EmbeddingSettings embedding) {
    int window;
    String limitedBy;
    Integer defaultSize;
    if (embedding.remote() != null) {
      window = embedding.remote().maxTokensPerInput();
      limitedBy = "max_tokens_per_input of `" + embedding.provider() + "` is " + window;
      defaultSize = Math.min(ChunkingSettings.DEFAULT_REMOTE_CHUNK_SIZE, window);
    } else {
      Optional<LocalModel> model = EmbeddingParser.localModel(embedding.model());
      window = model.map(LocalModel::window).orElse(Integer.MAX_VALUE);
      limitedBy = "model `" + embedding.model() + "` embeds at most " + window + " tokens";
      defaultSize = null;
    }
    Long given = inRange(s, "chunk_size", ChunkingSettings.MIN_CHUNK_SIZE, Integer.MAX_VALUE);
    Integer chunkSize = given == null ? null : given.intValue();
    if (chunkSize != null && chunkSize > window) {
      s.problem(
          "chunk_size",
          limitedBy + ", so chunk_size must be at most " + window + ", got " + chunkSize);
      chunkSize = null;
    }
    Long overlapGiven = inRange(s, "chunk_overlap", 0, Integer.MAX_VALUE);
    int overlap =
        overlapGiven == null ? ChunkingSettings.DEFAULT_CHUNK_OVERLAP : overlapGiven.intValue();
    // Compare only values that were read; a bad chunk_size is reported once, on its own.
    boolean sizeRead = chunkSize != null || !s.has("chunk_size");
    if (chunkSize == null) {
      chunkSize = defaultSize;
    }
    int limit = chunkSize != null ? chunkSize : window;
    if (sizeRead && overlap >= limit) {
      s.problem(
          overlapGiven != null ? "chunk_overlap" : "chunk_size",
          "chunk_overlap ("
              + overlap
              + ") must be less than "
              + (chunkSize == null
                  ? "the window of model `" + embedding.model() + "` (" + window + " tokens)"
                  : given == null
                      ? "the default chunk_size (" + chunkSize + ")"
                      : "chunk_size (" + chunkSize + ")"));
      overlap = 0;
    }
    Integer size = chunkSize;
    int o = overlap;
    return build(s, () -> new ChunkingSettings(size, o), ChunkingSettings.defaults());
  }

  private FileConversionSettings fileConversion(YamlSection s) {
    long maxFileSize =
        longIn(s, "max_file_size", FileConversionSettings.DEFAULT_MAX_FILE_SIZE, 1, Long.MAX_VALUE);
    Duration t =
        duration(s, "conversion_timeout", FileConversionSettings.DEFAULT_CONVERSION_TIMEOUT, false);
    return build(
        s, () -> new FileConversionSettings(maxFileSize, t), FileConversionSettings.defaults());
  }

  private ResourceLimits resources(YamlSection s) {
    double heap = percent(s, "max_heap", ResourceLimits.DEFAULT_MAX_HEAP_FRACTION);
    double cpu = percent(s, "max_cpu", ResourceLimits.DEFAULT_MAX_CPU_FRACTION);
    // Durations are read to the millisecond, so a positive interval is at least 1 ms.
    Duration interval =
        duration(s, "sample_interval", ResourceLimits.DEFAULT_SAMPLE_INTERVAL, false);
    Duration maxWait = duration(s, "max_wait", ResourceLimits.DEFAULT_MAX_WAIT, true);
    return build(
        s, () -> new ResourceLimits(heap, cpu, interval, maxWait), ResourceLimits.defaults());
  }

  /** A duration at {@code key}, or {@code fallback} when absent or bad (a problem recorded). */
  private static Duration duration(
      YamlSection s, String key, Duration fallback, boolean zeroAllowed) {
    String text = s.string(key);
    if (text == null) {
      return fallback;
    }
    try {
      Duration d = Durations.parse(text);
      if (d.isZero() && !zeroAllowed) {
        s.problem(key, "must be positive, got `" + text + "`");
        return fallback;
      }
      return d;
    } catch (IllegalArgumentException e) {
      s.problem(key, e.getMessage());
      return fallback;
    }
  }

  /**
   * A percentage at {@code key} ({@code 90%}, {@code 0.5%}) as a fraction in (0, 1], or {@code
   * fallback} when absent or bad (a problem recorded).
   */
  private static double percent(YamlSection s, String key, double fallback) {
    String text = s.string(key);
    if (text == null) {
      return fallback;
    }
    Matcher m = PERCENT.matcher(text.strip());
    if (!m.matches()) {
      s.problem(key, "expected a percentage such as 90% or 12.5%, got `" + text + "`");
      return fallback;
    }
    BigDecimal p = new BigDecimal(m.group(1));
    if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
      s.problem(key, "must be more than 0% and at most 100%, got `" + text + "`");
      return fallback;
    }
    return p.movePointLeft(2).doubleValue();
  }

  private ProjectConfig project(YamlSection projects, String id) {
    YamlSection p = projects.section(id, PROJECT_KEYS);
    boolean idOk = ProjectConfig.ID_PATTERN.matcher(id).matches();
    if (!idOk) {
      projects.keyProblem(
          id,
          "project id `"
              + id
              + "` must start with a letter and contain only letters, digits, `_` and `-` ("
              + ProjectConfig.ID_PATTERN.pattern()
              + ")");
    }
    String displayName = p.string("display_name");
    String description = p.string("description");
    List<LocalFileSourceConfig> sources = sources(p.names("sources"));
    if (!idOk) {
      return null;
    }
    return build(
        p,
        () -> new ProjectConfig(id, displayName == null ? id : displayName, description, sources));
  }

  private List<LocalFileSourceConfig> sources(YamlSection sources) {
    List<LocalFileSourceConfig> out = new ArrayList<>();
    List<String> known = new ArrayList<>(List.of(LocalFileSourceConfig.TYPE));
    known.addAll(LATER_SOURCE_TYPES);
    for (String type : sources.keys()) {
      if (type.equals(LocalFileSourceConfig.TYPE)) {
        YamlSection named = sources.names(type);
        for (String name : named.keys()) {
          LocalFileSourceConfig s = localFile(named, name);
          if (s != null) {
            out.add(s);
          }
        }
      } else if (LATER_SOURCE_TYPES.contains(type)) {
        sources.keyProblem(
            type,
            "source type `"
                + type
                + "` is not supported yet; supported now: "
                + LocalFileSourceConfig.TYPE);
      } else {
        sources.keyProblem(
            type,
            "unknown source type `"
                + type
                + "`"
                + Suggestions.didYouMean(type, known)
                + " (supported now: "
                + LocalFileSourceConfig.TYPE
                + ")");
      }
    }
    return out;
  }

  private LocalFileSourceConfig localFile(YamlSection named, String name) {
    YamlSection s = named.section(name, LOCALFILE_KEYS);
    boolean ok = SOURCE_NAME.matcher(name).matches();
    if (!ok) {
      named.keyProblem(
          name,
          "source name `"
              + name
              + "` must start with a letter or digit and contain only letters, digits, `_`, `.`"
              + " and `-`");
    }
    String baseUrl = null;
    String raw = s.string("base_url");
    if (raw == null || raw.isBlank()) {
      if (!s.has("base_url")) {
        s.problemHere(
            "missing required key `base_url` (a directory such as `docs`, `/data/docs`,"
                + " `file:///data/docs` or `gs://bucket/docs`)");
      } else if (raw != null) {
        s.problem("base_url", "must not be empty");
      }
      ok = false;
    } else {
      try {
        baseUrl = resolveBase(raw.strip());
      } catch (IllegalArgumentException e) {
        s.problem("base_url", e.getMessage());
        ok = false;
      }
    }
    List<String> include = globs(s, "include_paths", false);
    List<String> exclude = globs(s, "exclude_paths", false);
    List<String> fileTypes = globs(s, "file_types", true);
    long maxFileSize =
        longIn(s, "max_file_size", LocalFileSourceConfig.DEFAULT_MAX_FILE_SIZE, 1, Long.MAX_VALUE);
    if (!ok) {
      return null;
    }
    String base = baseUrl;
    return build(
        s, () -> new LocalFileSourceConfig(name, base, include, exclude, fileTypes, maxFileSize));
  }

  /** A plain path becomes absolute against the workspace; URLs are kept as given. */
  private String resolveBase(String raw) {
    if (URL_SCHEME.matcher(raw).matches()) {
      // Not parsed as a URI: Beam paths may hold characters a URI may not, such as spaces.
      if (raw.regionMatches(true, 0, "file:", 0, 5) && !raw.startsWith("/", 5)) {
        throw new IllegalArgumentException(
            "a file URL must be absolute, such as file:///data/docs; got `" + raw + "`");
      }
      return raw;
    }
    try {
      return workspace.resolve(raw).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("not a valid path: " + e.getMessage(), e);
    }
  }

  private static List<String> globs(YamlSection s, String key, boolean onFileName) {
    List<String> values = s.strings(key);
    if (values == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String raw : values) {
      String glob = raw.strip();
      if (glob.isEmpty()) {
        s.problem(key, "empty pattern");
        continue;
      }
      if (onFileName && glob.contains("/")) {
        s.problem(key, "`" + glob + "` is matched against file names, so it cannot contain `/`");
        continue;
      }
      if (!onFileName
          && (glob.startsWith("/")
              || glob.equals("..")
              || glob.startsWith("../")
              || glob.contains("/../"))) {
        s.problem(key, "`" + glob + "` must be relative to base_url and stay inside it");
        continue;
      }
      try {
        FileSystems.getDefault().getPathMatcher("glob:" + glob);
      } catch (IllegalArgumentException e) {
        s.problem(key, "`" + glob + "` is not a valid glob: " + e.getMessage());
        continue;
      }
      out.add(glob);
    }
    return out;
  }

  static int intIn(YamlSection s, String key, int fallback, int min, int max) {
    Long value = inRange(s, key, min, max);
    return value == null ? fallback : value.intValue();
  }

  static long longIn(YamlSection s, String key, long fallback, long min, long max) {
    Long value = inRange(s, key, min, max);
    return value == null ? fallback : value;
  }

  /** The number at {@code key}, or null when it is absent or bad (then a problem is recorded). */
  static Long inRange(YamlSection s, String key, long min, long max) {
    Long value = s.number(key);
    if (value != null && (value < min || value > max)) {
      String range =
          max == Integer.MAX_VALUE || max == Long.MAX_VALUE
              ? "must be at least " + min
              : "must be between " + min + " and " + max;
      s.problem(key, range + ", got " + value);
      return null;
    }
    return value;
  }

  /**
   * Builds a value; the parser checks values first, so a constructor refusing one is a gap in the
   * parser, reported at the section rather than thrown without a line.
   */
  static <T> T build(YamlSection s, Supplier<T> constructor) {
    return build(s, constructor, null);
  }

  static <T> T build(YamlSection s, Supplier<T> constructor, T fallback) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      s.problemHere(e.getMessage());
      return fallback;
    }
  }
}
