package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.load;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceConfigTest {
  @TempDir Path ws;

  private CacheSettings defaultCache() {
    return new CacheSettings(
        false,
        ws.toAbsolutePath().normalize().resolve(".qdrant-loader/embedding-cache").toString(),
        256);
  }

  static final String FULL =
      """
      global:
        qdrant:
          url: "${QDRANT_URL}"
          api_key: "${QDRANT_API_KEY}"
          collection_name: team-docs
        embedding:
          provider: local
          model: bge-small-en-v15-q
          batch_size: 64
        chunking:
          chunk_size: 256
          chunk_overlap: 32
        file_conversion:
          max_file_size: 1048576
          conversion_timeout: 5m
        resources:
          max_heap: 85%
          max_cpu: 95.5%
          sample_interval: 500ms
          max_wait: 10s
      projects:
        docs:
          display_name: "Documentation"
          description: "Guides and how-tos"
          sources:
            localfile:
              local-docs:
                base_url: "docs"
                include_paths: ["docs/**", "README.md"]
                exclude_paths: ["docs/archive/**"]
                file_types: ["*.md", "*.txt"]
                max_file_size: 2048
              bucket:
                base_url: gs://my-bucket/docs
        kb:
          sources:
            localfile:
              notes:
                base_url: file:///srv/notes
      """;

  static final Map<String, String> FULL_ENV =
      Map.of("QDRANT_URL", "http://qdrant.internal:6334", "QDRANT_API_KEY", "s3cr3t-key");

  @Test
  void fullExampleParsesEveryValue() {
    IngestionConfig c = WorkspaceConfig.load(withConfig(ws, FULL), FULL_ENV);

    assertEquals(ws.toAbsolutePath().normalize(), c.workspace());
    assertEquals(
        new QdrantSettings("http://qdrant.internal:6334", "s3cr3t-key", "team-docs"), c.qdrant());
    assertFalse(c.qdrant().isLocal());
    assertEquals(
        new EmbeddingSettings("local", "bge-small-en-v15-q", 64, 384, null, defaultCache()),
        c.embedding());
    assertEquals(new ChunkingSettings(256, 32), c.chunking());
    assertEquals(new FileConversionSettings(1_048_576L, Duration.ofMinutes(5)), c.fileConversion());
    assertEquals(
        new ResourceLimits(0.85, 0.955, Duration.ofMillis(500), Duration.ofSeconds(10)),
        c.resources());

    assertEquals(List.of("docs", "kb"), c.projects().stream().map(ProjectConfig::id).toList());
    ProjectConfig docs = c.projects().get(0);
    assertEquals("Documentation", docs.displayName());
    assertEquals("Guides and how-tos", docs.description());
    assertEquals(
        List.of(
            new LocalFileSourceConfig(
                "local-docs",
                ws.resolve("docs").toAbsolutePath().normalize().toString(),
                List.of("docs/**", "README.md"),
                List.of("docs/archive/**"),
                List.of("*.md", "*.txt"),
                2048),
            new LocalFileSourceConfig(
                "bucket", "gs://my-bucket/docs", List.of(), List.of(), List.of(), 52_428_800L)),
        docs.localFileSources());

    ProjectConfig kb = c.projects().get(1);
    assertEquals("kb", kb.displayName());
    assertNull(kb.description());
    assertEquals("file:///srv/notes", kb.localFileSources().get(0).baseUrl());
  }

  @Test
  void absentGlobalMeansEveryDefault() {
    IngestionConfig c =
        load(
            ws,
            """
            projects:
              p:
                sources:
                  localfile:
                    s:
                      base_url: .
            """);

    assertEquals(QdrantSettings.defaults(), c.qdrant());
    assertTrue(c.qdrant().isLocal());
    assertEquals("documents", c.qdrant().collectionName());
    assertEquals(
        new EmbeddingSettings("local", "all-minilm-l6-v2-q", 32, 384, null, defaultCache()),
        c.embedding());
    assertEquals(new ChunkingSettings(null, 16), c.chunking());
    assertEquals(
        new FileConversionSettings(52_428_800L, Duration.ofSeconds(300)), c.fileConversion());
    assertEquals(
        ws.toAbsolutePath().normalize().toString(),
        c.projects().get(0).localFileSources().get(0).baseUrl());
  }

  @Test
  void qdrantUrlLocalMeansEmbeddedMode() {
    IngestionConfig c = load(ws, "global:\n  qdrant:\n    url: local\n");
    assertNull(c.qdrant().url());
    assertTrue(c.qdrant().isLocal());
  }

  @Test
  void topLevelSourcesBecomeTheDefaultProject() {
    IngestionConfig c =
        load(
            ws,
            """
            sources:
              localfile:
                handbook:
                  base_url: handbook
            """);

    assertEquals(1, c.projects().size());
    ProjectConfig p = c.projects().get(0);
    assertEquals("default", p.id());
    assertEquals("Default Project", p.displayName());
    assertEquals("handbook", p.localFileSources().get(0).name());
  }

  @Test
  void relativeBasePathIsResolvedAgainstTheWorkspace() {
    IngestionConfig c =
        load(
            ws,
            """
            sources:
              localfile:
                up: {base_url: ../shared/docs}
                absolute: {base_url: /data/docs}
            """);

    List<LocalFileSourceConfig> s = c.projects().get(0).localFileSources();
    assertEquals(
        ws.toAbsolutePath().getParent().resolve("shared/docs").normalize().toString(),
        s.get(0).baseUrl());
    assertEquals("/data/docs", s.get(1).baseUrl());
  }

  @Test
  void beamFileSystemUrlsAreKeptAsGiven() {
    IngestionConfig c =
        load(
            ws,
            """
            sources:
              localfile:
                gcs: {base_url: "gs://bucket/dir"}
                s3: {base_url: "s3://bucket/some dir/"}
                file: {base_url: "file:///srv/files"}
            """);

    assertEquals(
        List.of("gs://bucket/dir", "s3://bucket/some dir/", "file:///srv/files"),
        c.projects().get(0).localFileSources().stream()
            .map(LocalFileSourceConfig::baseUrl)
            .toList());
  }

  @Test
  void conversionTimeoutAcceptsSecondsUnitsAndIso() {
    Map<String, Duration> cases =
        Map.of(
            "30", Duration.ofSeconds(30),
            "2.5", Duration.ofMillis(2500),
            "\"45s\"", Duration.ofSeconds(45),
            "5m", Duration.ofMinutes(5),
            "1h30m", Duration.ofMinutes(90),
            "250ms", Duration.ofMillis(250),
            "PT2M", Duration.ofMinutes(2));
    cases.forEach(
        (yaml, expected) ->
            assertEquals(
                expected,
                load(ws, "global:\n  file_conversion:\n    conversion_timeout: " + yaml + "\n")
                    .fileConversion()
                    .conversionTimeout(),
                yaml));
  }

  @Test
  void localModelDerivesVectorSizeAndAcceptsMatchingOne() {
    IngestionConfig c =
        load(ws, "global:\n  embedding:\n    model: all-minilm-l6-v2-q\n    vector_size: 384\n");
    assertEquals(384, c.embedding().vectorSize());
  }

  @Test
  void emptyFileIsAllDefaultsWithoutProjects() {
    IngestionConfig c = load(ws, "");
    assertEquals(QdrantSettings.defaults(), c.qdrant());
    assertEquals(ResourceLimits.defaults(), c.resources());
    assertTrue(c.projects().isEmpty());
  }

  @Test
  void numbersMayUseUnderscores() {
    IngestionConfig c = load(ws, "global:\n  file_conversion:\n    max_file_size: 10_485_760\n");
    assertEquals(10_485_760L, c.fileConversion().maxFileSize());
  }

  @Test
  void resourceLimitsTakePercentagesAndDurations() {
    IngestionConfig c =
        load(
            ws,
            "global:\n  resources:\n    max_heap: 100%\n    max_cpu: \"80 %\"\n"
                + "    sample_interval: 2\n    max_wait: 0s\n");
    assertEquals(new ResourceLimits(1.0, 0.8, Duration.ofSeconds(2), Duration.ZERO), c.resources());
    assertFalse(c.resources().limitsHeap());
  }
}
