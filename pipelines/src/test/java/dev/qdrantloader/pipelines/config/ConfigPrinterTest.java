package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.withConfig;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrinterTest {
  @TempDir Path ws;
  @TempDir Path copy;

  @Test
  void apiKeyIsMaskedAndNeverPrinted() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(ws, WorkspaceConfigTest.FULL), WorkspaceConfigTest.FULL_ENV);

    String yaml = ConfigPrinter.toYaml(c);

    assertThat(yaml, not(containsString("s3cr3t-key")));
    assertThat(yaml, containsString("api_key: '****'"));
  }

  @Test
  void secretsNeverLeakThroughToString() {
    QdrantSettings q = new QdrantSettings("https://q.example.com", "s3cr3t-key", "documents");
    assertThat(q.toString(), not(containsString("s3cr3t-key")));
    IngestionConfig c =
        new IngestionConfig(
            ws,
            q,
            EmbeddingSettings.defaults(),
            ChunkingSettings.defaults(),
            FileConversionSettings.defaults(),
            ResourceLimits.defaults(),
            List.of());
    assertThat(c.toString(), not(containsString("s3cr3t-key")));
  }

  @Test
  void userInfoInUrlsIsMasked() {
    IngestionConfig c =
        new IngestionConfig(
            ws,
            new QdrantSettings("https://admin:hunter2@q.example.com", null, "documents"),
            EmbeddingSettings.defaults(),
            ChunkingSettings.defaults(),
            FileConversionSettings.defaults(),
            ResourceLimits.defaults(),
            List.of());
    String yaml = ConfigPrinter.toYaml(c);
    assertThat(yaml, not(containsString("hunter2")));
    assertThat(yaml, containsString("https://****@q.example.com"));
  }

  @Test
  void everySecretLookingKeyIsMasked() {
    for (String key :
        List.of("api_key", "llm_api_key", "token", "password", "client_secret", "credentials")) {
      assertEquals(true, ConfigPrinter.isSecretKey(key), key);
    }
    assertEquals(false, ConfigPrinter.isSecretKey("collection_name"));
    assertEquals(false, ConfigPrinter.isSecretKey("max_tokens_per_input"));
    assertEquals(true, ConfigPrinter.isSecretKey("access_token"));
  }

  @Test
  void defaultsAreFilledInWithSchemaKeyNames() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(ws, "sources:\n  localfile:\n    s: {base_url: /data}\n"), Map.of());

    String yaml = ConfigPrinter.toYaml(c);

    for (String line :
        List.of(
            "    url: local",
            "    api_key: null",
            "    collection_name: documents",
            "    provider: local",
            "    model: all-minilm-l6-v2-q",
            "    batch_size: 32",
            "    vector_size: 384",
            "    cache:",
            "      enabled: false",
            "      path: " + ws.toAbsolutePath().normalize() + "/.qdrant-loader/embedding-cache",
            "      max_memory_mb: 256",
            "    chunk_size: null",
            "    chunk_overlap: 16",
            "    max_file_size: 52428800",
            "    conversion_timeout: 300",
            "  resources:",
            "    max_heap: 90%",
            "    max_cpu: 100%",
            "    sample_interval: 1",
            "    max_wait: 5",
            "  default:",
            "    display_name: Default Project",
            "          base_url: /data",
            "          include_paths: []")) {
      assertThat(yaml, containsString(line + "\n"));
    }
  }

  @Test
  void printedConfigurationLoadsBackToTheSameConfiguration() throws Exception {
    IngestionConfig original =
        WorkspaceConfig.load(
            withConfig(ws, WorkspaceConfigTest.FULL),
            Map.of("QDRANT_URL", "http://qdrant.internal:6334", "QDRANT_API_KEY", ""));
    Files.writeString(copy.resolve("config.yaml"), ConfigPrinter.toYaml(original));

    IngestionConfig reloaded = WorkspaceConfig.load(copy, Map.of());

    assertEquals(original.qdrant(), reloaded.qdrant());
    assertEquals(original.embedding(), reloaded.embedding());
    assertEquals(original.chunking(), reloaded.chunking());
    assertEquals(original.fileConversion(), reloaded.fileConversion());
    assertEquals(original.resources(), reloaded.resources());
    assertEquals(original.projects(), reloaded.projects());
  }

  @Test
  void localProviderPrintsNoRemoteKeys() {
    String yaml = ConfigPrinter.toYaml(WorkspaceConfig.load(withConfig(ws, ""), Map.of()));
    assertThat(yaml, not(containsString("base_url")));
    assertThat(yaml, not(containsString("max_inputs_per_request")));
  }

  @Test
  void remoteDefaultsAreFilledIn() {
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
            Map.of("OPENAI_API_KEY", "sk-from-env"));

    String yaml = ConfigPrinter.toYaml(c);

    assertThat(
        yaml,
        containsString(
            """
                provider: openai
                model: text-embedding-3-small
                dimensions: null
                vector_size: null
                api_key: '****'
                base_url: https://api.openai.com/v1
                headers: {}
                timeout: 60
                max_retries: 6
                rpm: 0
                tpm: 0
                max_concurrency: 16
                max_inputs_per_request: 2048
                max_tokens_per_request: 300000
                max_tokens_per_input: 8191
                cache:
                  enabled: false
            """));
    assertThat(yaml, containsString("    chunk_size: 512\n"));
    assertThat(yaml, not(containsString("batch_size")));
    assertThat(yaml, not(containsString("api_version")));
  }

  @Test
  void apiKeyAndHeaderValuesNeverAppearAlsoFromDotEnv() {
    TestWorkspace.withEnvFile(ws, "AZURE_KEY=az-s3cr3t\nGATEWAY=gw-s3cr3t\n");
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    provider: azure_openai
                    model: text-embedding-3-large
                    api_key: ${AZURE_KEY}
                    base_url: https://r.openai.azure.com/openai/deployments/large
                    api_version: 2024-10-21
                    headers:
                      X-Gateway: ${GATEWAY}
                      X-Literal: literal-s3cr3t
                """),
            Map.of());

    String yaml = ConfigPrinter.toYaml(c);

    for (String secret : List.of("az-s3cr3t", "gw-s3cr3t", "literal-s3cr3t")) {
      assertThat(yaml, not(containsString(secret)));
    }
    assertThat(yaml, containsString("    api_key: '****'\n"));
    assertThat(yaml, containsString("      X-Gateway: '****'\n"));
    assertThat(yaml, containsString("      X-Literal: '****'\n"));
    assertThat(yaml, containsString("    api_version: '2024-10-21'\n"));
  }

  @Test
  void printedRemoteConfigurationLoadsBackToTheSameConfiguration() throws Exception {
    IngestionConfig original =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    provider: openai_compatible
                    model: nomic-embed-text
                    base_url: http://localhost:11434/v1
                    dimensions: 768
                    timeout: 1500ms
                    rpm: 600
                    max_tokens_per_input: 2048
                    cache: {enabled: true, path: cache/vectors}
                """),
            Map.of());
    Files.writeString(copy.resolve("config.yaml"), ConfigPrinter.toYaml(original));

    IngestionConfig reloaded = WorkspaceConfig.load(copy, Map.of());

    assertEquals(original.embedding(), reloaded.embedding());
    assertEquals(original.chunking(), reloaded.chunking());
  }

  @Test
  void subSecondTimeoutPrintsInMilliseconds() {
    IngestionConfig c =
        new IngestionConfig(
            ws,
            QdrantSettings.defaults(),
            EmbeddingSettings.defaults(),
            ChunkingSettings.defaults(),
            new FileConversionSettings(1, Duration.ofMillis(1500)),
            ResourceLimits.defaults(),
            List.of());
    assertThat(ConfigPrinter.toYaml(c), containsString("conversion_timeout: 1500ms\n"));
  }

  @Test
  void resourceLimitsPrintAsTheyAreWrittenAndLoadBack() throws Exception {
    IngestionConfig original =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  resources:
                    max_heap: 0.5%
                    max_cpu: 75%
                    sample_interval: 250ms
                    max_wait: 0
                """),
            Map.of());

    String yaml = ConfigPrinter.toYaml(original);

    assertThat(
        yaml,
        containsString(
            """
              resources:
                max_heap: 0.5%
                max_cpu: 75%
                sample_interval: 250ms
                max_wait: 0
            """));
    Files.writeString(copy.resolve("config.yaml"), yaml);
    assertEquals(original.resources(), WorkspaceConfig.load(copy, Map.of()).resources());
  }
}
