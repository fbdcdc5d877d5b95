package dev.qdrantloader.io.qdrant.local;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.qdrant.QdrantEmbeddingStore;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A second, independent client: LangChain4j's {@link QdrantEmbeddingStore}, which builds its own
 * requests, talks to the embedded server exactly as it would to a real Qdrant.
 */
class LangChain4jClientTest {

  private static TextSegment segment(String text, String lang, int year) {
    return TextSegment.from(text, Metadata.from(Map.of("lang", lang, "year", year)));
  }

  @Test
  void addSearchWithFilterAndRemoveAllByFilter() throws Exception {
    try (ServerFixture s = ServerFixture.start((java.nio.file.Path) null)) {
      await(
          s.client.createCollectionAsync(
              "lc4j", VectorParams.newBuilder().setSize(3).setDistance(Distance.Cosine).build()));
      QdrantEmbeddingStore store =
          QdrantEmbeddingStore.builder()
              .host(s.server.host())
              .port(s.server.port())
              .useTls(false)
              .collectionName("lc4j")
              .build();
      try {
        List<String> ids =
            store.addAll(
                List.of(
                    Embedding.from(new float[] {1, 0, 0}),
                    Embedding.from(new float[] {0.8f, 0.2f, 0}),
                    Embedding.from(new float[] {0, 1, 0}),
                    Embedding.from(new float[] {0, 0, 1})));
        store.addAll(
            ids,
            List.of(
                Embedding.from(new float[] {1, 0, 0}),
                Embedding.from(new float[] {0.8f, 0.2f, 0}),
                Embedding.from(new float[] {0, 1, 0}),
                Embedding.from(new float[] {0, 0, 1})),
            List.of(
                segment("alpha", "en", 2020),
                segment("beta", "de", 2021),
                segment("gamma", "en", 2022),
                segment("delta", "en", 2023)));
        assertEquals(4L, (long) await(s.client.countAsync("lc4j")));

        List<EmbeddingMatch<TextSegment>> hits =
            store
                .search(
                    EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(new float[] {1, 0.1f, 0}))
                        .maxResults(2)
                        .filter(metadataKey("lang").isEqualTo("en"))
                        .build())
                .matches();
        assertEquals(
            List.of("alpha", "gamma"),
            hits.stream().map(m -> m.embedded().text()).collect(Collectors.toList()));
        assertEquals(ids.get(0), hits.get(0).embeddingId());
        assertEquals("en", hits.get(0).embedded().metadata().getString("lang"));
        // LangChain4j maps Qdrant's cosine score to a relevance in [0, 1]
        assertEquals((1 + 1 / Math.sqrt(1.01)) / 2, hits.get(0).score(), 1e-5);

        store.removeAll(metadataKey("year").isGreaterThanOrEqualTo(2022));
        assertEquals(2L, (long) await(s.client.countAsync("lc4j")));
        List<String> left =
            store
                .search(
                    EmbeddingSearchRequest.builder()
                        .queryEmbedding(Embedding.from(new float[] {0, 1, 0}))
                        .maxResults(10)
                        .build())
                .matches()
                .stream()
                .map(m -> m.embedded().text())
                .sorted()
                .collect(Collectors.toList());
        assertEquals(List.of("alpha", "beta"), left);
      } finally {
        store.close();
      }
    }
  }
}
