package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.load;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withConfig;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withEnvFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig.Provider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code global.embedding} for remote providers, and the vector cache. */
class EmbeddingConfigTest {
  @TempDir Path ws;

  private String inWorkspace(String relative) {
    return ws.toAbsolutePath().normalize().resolve(relative).toString();
  }

  @Test
  void openaiNeedsOnlyModelAndKeyAndFillsEveryDefault() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    provider: openai
                    model: text-embedding-3-small
                    api_key: ${OPENAI_API_KEY}
                """),
            Map.of("OPENAI_API_KEY", "sk-test"));

    EmbeddingSettings e = c.embedding();
    assertEquals("openai", e.provider());
    assertEquals("text-embedding-3-small", e.model());
    assertNull(e.vectorSize());
    assertEquals(
        new RemoteEmbeddingConfig(
            Provider.OPENAI,
            "text-embedding-3-small",
            null,
            "sk-test",
            "https://api.openai.com/v1",
            null,
            Map.of(),
            60_000,
            6,
            0,
            0,
            16,
            2048,
            300_000,
            8191),
        e.remote());
    assertEquals(
        RemoteEmbeddingConfig.of(Provider.OPENAI, "text-embedding-3-small", "sk-test", null),
        e.remote());
    assertEquals(2048, e.batchSize());
    assertEquals(
        new CacheSettings(false, inWorkspace(".qdrant-loader/embedding-cache"), 256), e.cache());
    assertEquals(new ChunkingSettings(512, 16), c.chunking());
  }

  @Test
  void azureOpenaiReadsEveryKey() {
    withEnvFile(ws, "AZURE_OPENAI_KEY=az-secret\nGATEWAY_TOKEN=gw-secret\n");
    IngestionConfig c =
        load(
            ws,
            """
            global:
              embedding:
                provider: azure_openai
                model: text-embedding-3-large
                dimensions: 1024
                vector_size: 1024
                api_key: ${AZURE_OPENAI_KEY}
                base_url: https://my-res.openai.azure.com/openai/deployments/embed-large/
                api_version: 2024-10-21
                headers:
                  X-Gateway-Token: ${GATEWAY_TOKEN}
                  X-Team: docs
                timeout: 90s
                max_retries: 3
                rpm: 3000
                tpm: 1_000_000
                max_concurrency: 8
                max_inputs_per_request: 16
                max_tokens_per_request: 8000
                max_tokens_per_input: 300
            """);

    EmbeddingSettings e = c.embedding();
    assertEquals(1024, e.vectorSize());
    assertEquals(
        new RemoteEmbeddingConfig(
            Provider.AZURE_OPENAI,
            "text-embedding-3-large",
            1024,
            "az-secret",
            "https://my-res.openai.azure.com/openai/deployments/embed-large",
            "2024-10-21",
            Map.of("X-Gateway-Token", "gw-secret", "X-Team", "docs"),
            90_000,
            3,
            3000,
            1_000_000,
            8,
            16,
            8000,
            300),
        e.remote());
    assertEquals(16, e.batchSize());
    // The default chunk size never exceeds the provider's window.
    assertEquals(new ChunkingSettings(300, 16), c.chunking());
  }

  @Test
  void openaiCompatibleNeedsNoKeyAndTakesEmptyOneAsNone() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    provider: openai_compatible
                    model: nomic-embed-text
                    api_key: ${OLLAMA_KEY}
                    base_url: http://localhost:11434/v1
                  chunking:
                    chunk_size: 2000
                """),
            Map.of("OLLAMA_KEY", ""));

    RemoteEmbeddingConfig r = c.embedding().remote();
    assertEquals(Provider.OPENAI_COMPATIBLE, r.provider());
    assertNull(r.apiKey());
    assertEquals("http://localhost:11434/v1", r.baseUrl());
    assertNull(r.apiVersion());
    assertEquals(2000, c.chunking().chunkSize());
  }

  @Test
  void dimensionsAloneAlsoSetTheVectorSize() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    provider: openai
                    model: text-embedding-3-large
                    dimensions: 256
                    api_key: sk
                """),
            Map.of());
    assertEquals(256, c.embedding().vectorSize());
    assertEquals(256, c.embedding().remote().dimensions());
  }

  @Test
  void vectorSizeAloneIsNotSentAsDimensions() {
    IngestionConfig c =
        load(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-ada-002
                vector_size: 1536
                api_key: sk
            """);
    assertEquals(1536, c.embedding().vectorSize());
    assertNull(c.embedding().remote().dimensions());
  }

  @Test
  void lowerRequestTokenCapLowersTheDefaultInputWindow() {
    IngestionConfig c =
        load(
            ws,
            """
            global:
              embedding:
                provider: openai_compatible
                model: m
                base_url: https://embed.example.com/v1
                max_tokens_per_request: 4000
            """);
    assertEquals(4000, c.embedding().remote().maxTokensPerInput());
    assertEquals(512, c.chunking().chunkSize());
  }

  @Test
  void localProviderAcceptsDimensionsEqualToTheModel() {
    IngestionConfig c = load(ws, "global:\n  embedding:\n    dimensions: 384\n");
    assertEquals(384, c.embedding().vectorSize());
    assertNull(c.embedding().remote());
  }

  @Test
  void cacheIsOffByDefaultWithItsPathInTheWorkspace() {
    IngestionConfig c = load(ws, "");
    assertEquals(CacheSettings.defaults(ws), c.embedding().cache());
    assertEquals(
        new CacheSettings(false, inWorkspace(".qdrant-loader/embedding-cache"), 256),
        c.embedding().cache());
  }

  @Test
  void cacheRelativePathResolvesAgainstTheWorkspace() {
    IngestionConfig c =
        load(
            ws,
            """
            global:
              embedding:
                cache:
                  enabled: true
                  path: ../shared/./vectors
                  max_memory_mb: 0
            """);
    assertEquals(
        new CacheSettings(
            true,
            ws.toAbsolutePath().normalize().getParent().resolve("shared/vectors").toString(),
            0),
        c.embedding().cache());
  }

  @Test
  void cacheAbsolutePathIsKeptAndWorksWithRemoteProviders() {
    IngestionConfig c =
        load(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-3-small
                api_key: sk
                cache: {enabled: yes, path: /var/cache/qdrant-loader, max_memory_mb: 1024}
            """);
    assertEquals(new CacheSettings(true, "/var/cache/qdrant-loader", 1024), c.embedding().cache());
  }
}
