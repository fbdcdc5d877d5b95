package dev.qdrantloader.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings a run report carries come from the effective configuration. */
class ReportSettingsTest {
  @TempDir Path ws;

  private IngestionConfig load(String yaml) throws IOException {
    Files.writeString(ws.resolve("config.yaml"), yaml);
    return WorkspaceConfig.load(ws, Map.of());
  }

  @Test
  void remoteProviderSettingsAreTheEffectiveOnes() throws IOException {
    IngestionConfig config =
        load(
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-3-small
                api_key: sk-test
                max_concurrency: 8
                rpm: 3000
                tpm: 5000000000
                timeout: 90s
                max_inputs_per_request: 256
                max_tokens_per_request: 8192
                cache:
                  enabled: true
              file_conversion:
                max_file_size: 1000
                conversion_timeout: 2m
            """);
    RunReport.Settings s =
        ReportSettings.of(config, EmbeddingPlan.of(config), "spark (local[4])", 4, 0.85, 0.9);
    assertEquals("spark", s.runner());
    assertEquals("local[4]", s.sparkMaster());
    assertEquals(4, s.workers());
    assertEquals("openai", s.embeddingProvider());
    assertEquals("text-embedding-3-small", s.embeddingModel());
    assertEquals(256, s.batchSize());
    assertEquals(8192, s.maxTokensPerRequest());
    assertEquals(8, s.maxConcurrency());
    assertEquals(3000, s.rpm());
    assertEquals(5_000_000_000L, s.tpm());
    assertEquals(90_000, s.timeoutMillis());
    assertEquals(512, s.chunkSize());
    assertTrue(s.cacheEnabled());
    assertEquals(1000, s.maxFileSize());
    assertEquals(120, s.conversionTimeoutSeconds());
    assertEquals(0.85, s.maxHeapFraction());
    assertEquals(0.9, s.maxCpuFraction());
    assertEquals(Runtime.getRuntime().maxMemory(), s.maxHeapBytes());
  }

  @Test
  void localModelHasNoRemoteLimitsAndItsWindowAsChunkSize() throws IOException {
    IngestionConfig config = load("global:\n  embedding:\n    batch_size: 64\n");
    RunReport.Settings s = ReportSettings.of(config, EmbeddingPlan.of(config), "direct", 8);
    assertEquals("direct", s.runner());
    assertNull(s.sparkMaster());
    assertEquals("local", s.embeddingProvider());
    assertEquals("all-minilm-l6-v2-q", s.embeddingModel());
    assertEquals(64, s.batchSize());
    assertEquals(0, s.maxTokensPerRequest());
    assertEquals(0, s.maxConcurrency());
    assertEquals(0, s.rpm());
    assertEquals(0, s.timeoutMillis());
    assertEquals(128, s.chunkSize());
    assertFalse(s.cacheEnabled());
    assertEquals(52_428_800L, s.maxFileSize());
    assertEquals(300, s.conversionTimeoutSeconds());
    assertEquals(0.9, s.maxHeapFraction(), "global.resources.max_heap's default");
    assertEquals(1.0, s.maxCpuFraction(), "global.resources.max_cpu's default");
  }

  @Test
  void aSparkClusterKeepsItsMasterAndDataflowHasNone() throws IOException {
    IngestionConfig config = load("global: {}\n");
    EmbeddingPlan plan = EmbeddingPlan.of(config);
    assertEquals(
        "spark://10.0.0.1:7077",
        ReportSettings.of(config, plan, "spark (spark://10.0.0.1:7077)", 0).sparkMaster());
    RunReport.Settings dataflow = ReportSettings.of(config, plan, "dataflow", 0);
    assertEquals("dataflow", dataflow.runner());
    assertNull(dataflow.sparkMaster());
  }
}
