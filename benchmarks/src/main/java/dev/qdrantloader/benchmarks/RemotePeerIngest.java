package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.loader.FileSystemDocumentLoader;
import dev.langchain4j.data.document.parser.TextDocumentParser;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiTokenCountEstimator;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.qdrant.QdrantEmbeddingStore;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.config.ChunkingSettings;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The peer of the "remote" scenario: ingests a folder of Markdown files the way a LangChain4j user
 * would with a remote provider (file-system loader, recursive splitter counting cl100k tokens,
 * {@link OpenAiEmbeddingModel} at its defaults, {@link EmbeddingStoreIngestor}, {@link
 * QdrantEmbeddingStore}) into our embedded Qdrant-compatible server, started in this JVM as the
 * "peer" scenario does. The provider is the benchmark's fake server, which counts what it is sent.
 *
 * <p>{@code RemotePeerIngest --corpus DIR --qdrant-path DIR --base-url URL --out FILE
 * [--chunk-tokens 128] [--dimensions 384]}
 */
public final class RemotePeerIngest {
  static final String COLLECTION = "langchain4j_remote_peer";
  static final String MODEL = "text-embedding-3-small";

  private RemotePeerIngest() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a =
        Args.parse(
            args,
            Set.of("--corpus", "--qdrant-path", "--base-url", "--out"),
            Set.of("--chunk-tokens", "--dimensions"));
    Path corpus = Path.of(a.get("--corpus")).toAbsolutePath();
    int chunkTokens = Integer.parseInt(a.getOrDefault("--chunk-tokens", "128"));
    int dimensions = Integer.parseInt(a.getOrDefault("--dimensions", "384"));

    // Only what a user must set; everything else (batch size 2,048, retries, timeouts) as shipped.
    OpenAiEmbeddingModel model =
        OpenAiEmbeddingModel.builder()
            .baseUrl(a.get("--base-url"))
            .apiKey("bench")
            .modelName(MODEL)
            .dimensions(dimensions)
            .build();
    List<TextSegment> segments = new ArrayList<>();
    ObjectNode r = new ObjectMapper().createObjectNode();
    try (LocalQdrantServer server =
        LocalQdrantServer.builder().port(0).dataDir(Path.of(a.get("--qdrant-path"))).start()) {
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
        client
            .createCollectionAsync(
                COLLECTION,
                VectorParams.newBuilder().setSize(dimensions).setDistance(Distance.Cosine).build())
            .get(1, TimeUnit.MINUTES);
        EmbeddingStoreIngestor ingestor =
            EmbeddingStoreIngestor.builder()
                .documentSplitter(
                    DocumentSplitters.recursive(
                        chunkTokens,
                        ChunkingSettings.DEFAULT_CHUNK_OVERLAP,
                        new OpenAiTokenCountEstimator(MODEL)))
                // an identity transformer: the ingestor's own hook on the segments it embeds
                .textSegmentTransformer(
                    s -> {
                      segments.add(s);
                      return s;
                    })
                .embeddingModel(model)
                .embeddingStore(store)
                .build();
        long start = System.nanoTime();
        List<Document> documents =
            FileSystemDocumentLoader.loadDocumentsRecursively(
                corpus, PeerIngest.fileMatcher(corpus, null), new TextDocumentParser());
        if (documents.isEmpty()) {
          throw new IllegalStateException("no Markdown documents under " + corpus);
        }
        ingestor.ingest(documents);
        double seconds = (System.nanoTime() - start) / 1e9;
        r.put("documents", documents.size());
        r.put("seconds", Math.round(seconds * 1000) / 1000.0);
        r.put("points", client.countAsync(COLLECTION).get(1, TimeUnit.MINUTES));
      } finally {
        store.close();
        client.close();
      }
    }
    HashSet<String> distinct = new HashSet<>();
    segments.forEach(s -> distinct.add(s.text()));
    r.put("segments", segments.size());
    r.put("distinct_segment_texts", distinct.size());
    r.put("chunk_tokens", chunkTokens);
    r.put("overlap_tokens", ChunkingSettings.DEFAULT_CHUNK_OVERLAP);
    r.put("dimensions", dimensions);
    r.put("model", MODEL);
    r.put("langchain4j_version", PeerIngest.langchain4jArtifacts().get("langchain4j"));
    r.put("langchain4j_open_ai_version", openAiVersion());
    new ObjectMapper()
        .writerWithDefaultPrettyPrinter()
        .writeValue(Path.of(a.get("--out")).toFile(), r);
    System.out.printf(
        Locale.ROOT,
        "remote peer: %d documents, %d segments (%d distinct texts) in %.1f s, %d points%n",
        r.get("documents").asInt(),
        segments.size(),
        distinct.size(),
        r.get("seconds").asDouble(),
        r.get("points").asLong());
  }

  private static String openAiVersion() throws IOException {
    String resource = "META-INF/maven/dev.langchain4j/langchain4j-open-ai/pom.properties";
    try (InputStream in = RemotePeerIngest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }
}
