package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.loadFails;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withEnvFile;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceConfigErrorsTest {
  @TempDir Path ws;

  private Path configFile() {
    return ws.toAbsolutePath().normalize().resolve("config.yaml");
  }

  @Test
  void missingConfigFileSaysHowToCreateOne() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> WorkspaceConfig.load(ws, Map.of()));
    assertEquals(configFile(), e.file());
    assertThat(e.getMessage(), startsWith(configFile().toString()));
    assertThat(e.getMessage(), containsString("qdrant-loader --workspace " + ws + " init"));
  }

  @Test
  void unknownKeySuggestsTheClosestKnownKeyWithItsLine() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              chunking:
                chunk_sise: 200
            """);
    assertEquals(
        configFile()
            + " line 3: unknown key `chunk_sise` at global.chunking; did you mean `chunk_size`?",
        e.getMessage());
  }

  @Test
  void unknownKeyFarFromAnyListsTheKnownKeys() {
    ConfigException e = loadFails(ws, "global:\n  llm:\n    provider: openai\n");
    assertThat(e.getMessage(), containsString("line 2: unknown key `llm` at global; known keys:"));
    assertThat(e.getMessage(), containsString("embedding"));
  }

  @Test
  void invalidYamlNamesLineAndColumn() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              qdrant:
                url: http://localhost:6334
               collection_name: docs
            """);
    assertThat(e.getMessage(), startsWith(configFile() + " line 4, column "));
  }

  @Test
  void unclosedQuoteIsASyntaxErrorWithLine() {
    ConfigException e = loadFails(ws, "global:\n  qdrant:\n    url: \"http://x\n");
    assertThat(e.getMessage(), startsWith(configFile() + " line "));
    assertThat(e.getMessage(), containsString("column"));
  }

  @Test
  void wrongTypeSaysWhatWasExpected() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                batch_size: lots
            """);
    assertEquals(
        configFile() + " line 3: global.embedding.batch_size: expected a number, got `lots`",
        e.getMessage());
  }

  @Test
  void scalarWhereAListIsExpectedIsAWrongType() {
    ConfigException e =
        loadFails(
            ws,
            """
            sources:
              localfile:
                s:
                  base_url: docs
                  file_types: "*.md"
            """);
    assertThat(
        e.getMessage(),
        containsString("line 5: sources.localfile.s.file_types: expected a list of strings"));
  }

  @Test
  void mappingWhereANumberIsExpectedIsAWrongType() {
    ConfigException e = loadFails(ws, "global:\n  chunking:\n    chunk_size: {a: 1}\n");
    assertThat(e.getMessage(), containsString("expected a number, got a mapping"));
  }

  @Test
  void badProjectIdIsRefusedAtItsLine() {
    ConfigException e =
        loadFails(
            ws,
            """
            projects:
              9docs:
                sources: {}
            """);
    assertThat(e.getMessage(), containsString("line 2: projects.9docs: project id `9docs`"));
    assertThat(e.getMessage(), containsString("^[a-zA-Z][a-zA-Z0-9_-]*$"));
  }

  @Test
  void missingBaseUrlNamesTheSource() {
    ConfigException e =
        loadFails(
            ws,
            """
            projects:
              docs:
                sources:
                  localfile:
                    local-docs:
                      include_paths: ["**"]
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: projects.docs.sources.localfile.local-docs: missing required key `base_url`"));
  }

  @Test
  void laterSourceTypesSayWhatIsSupportedNow() {
    ConfigException e =
        loadFails(
            ws,
            """
            projects:
              docs:
                sources:
                  git:
                    repo: {base_url: "https://github.com/x/y.git"}
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 4: projects.docs.sources.git: source type `git` is not supported yet;"
                + " supported now: localfile"));
  }

  @Test
  void misspeltSourceTypeSuggestsLocalfile() {
    ConfigException e = loadFails(ws, "sources:\n  localfiles:\n    a: {base_url: x}\n");
    assertThat(e.getMessage(), containsString("did you mean `localfile`?"));
  }

  @Test
  void sourcesAndProjectsTogetherAreRefused() {
    ConfigException e =
        loadFails(
            ws,
            """
            projects:
              a: {}
            sources:
              localfile:
                s: {base_url: x}
            """);
    assertThat(e.getMessage(), containsString("line 3: sources: a top-level `sources` cannot"));
  }

  @Test
  void outOfRangeValuesNameTheRange() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                batch_size: 0
              chunking:
                chunk_size: 64
                chunk_overlap: 64
              file_conversion:
                conversion_timeout: soon
            """);
    assertEquals(3, e.problems().size(), e.getMessage());
    assertThat(e.getMessage(), startsWith(configFile() + " has 3 problems:"));
    assertThat(
        e.getMessage(),
        containsString("line 3: global.embedding.batch_size: must be between 1 and 4096, got 0"));
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: global.chunking.chunk_overlap: chunk_overlap (64) must be less than"
                + " chunk_size (64)"));
    assertThat(
        e.getMessage(),
        containsString("line 8: global.file_conversion.conversion_timeout: expected a duration"));
  }

  @Test
  void chunkSizeAboveTheModelWindowIsRefused() {
    ConfigException e = loadFails(ws, "global:\n  chunking:\n    chunk_size: 500\n");
    assertThat(e.getMessage(), containsString("embeds at most 128 tokens"));
  }

  @Test
  void chunkSizeBelowTheMinimumIsReportedOnce() {
    ConfigException e = loadFails(ws, "global:\n  chunking:\n    chunk_size: 8\n");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(e.getMessage(), containsString("must be at least 16, got 8"));
  }

  @Test
  void vectorSizeThatContradictsTheLocalModelIsRefused() {
    ConfigException e = loadFails(ws, "global:\n  embedding:\n    vector_size: 768\n");
    assertThat(e.getMessage(), containsString("makes vectors of size 384, not 768"));
  }

  @Test
  void unknownLocalModelSuggestsAKnownOne() {
    ConfigException e = loadFails(ws, "global:\n  embedding:\n    model: bge-small-en-v15\n");
    assertThat(e.getMessage(), containsString("did you mean `bge-small-en-v15-q`?"));
  }

  @Test
  void nonLocalProviderNeedsAModel() {
    ConfigException e = loadFails(ws, "global:\n  embedding:\n    provider: azure_openai\n");
    assertThat(e.getMessage(), containsString("`model` is required"));
  }

  @Test
  void qdrantUrlMustBeHttp() {
    ConfigException e = loadFails(ws, "global:\n  qdrant:\n    url: localhost:6334\n");
    assertThat(
        e.getMessage(), containsString("line 3: global.qdrant.url: expected an http(s) URL"));
  }

  @Test
  void duplicateKeysAreRefused() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              chunking:
                chunk_size: 64
                chunk_size: 100
            """);
    assertThat(e.getMessage(), containsString("line 4: duplicate key `chunk_size`"));
    assertThat(e.getMessage(), containsString("first at line 3"));
  }

  @Test
  void badGlobsAreRefused() {
    ConfigException e =
        loadFails(
            ws,
            """
            sources:
              localfile:
                s:
                  base_url: docs
                  include_paths: ["/etc/**", "docs/{a,b"]
                  file_types: ["docs/*.md"]
            """);
    assertEquals(3, e.problems().size(), e.getMessage());
    assertThat(e.getMessage(), containsString("`/etc/**` must be relative to base_url"));
    assertThat(e.getMessage(), containsString("`docs/{a,b` is not a valid glob"));
    assertThat(e.getMessage(), containsString("cannot contain `/`"));
  }

  @Test
  void relativeFileUrlIsRefused() {
    ConfigException e = loadFails(ws, "sources:\n  localfile:\n    s: {base_url: 'file:docs'}\n");
    assertThat(e.getMessage(), containsString("a file URL must be absolute"));
  }

  @Test
  void problemsNeverEchoAnotherKeysValue() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              qdrant:
                api_key: "${KEY}"
                colection_name: x
            """,
            Map.of("KEY", "s3cr3t-key"));
    assertThat(e.getMessage(), not(containsString("s3cr3t-key")));
  }

  @Test
  void malformedDotEnvLineIsReportedInTheDotEnvFile() {
    withEnvFile(ws, "# vars\nGOOD=1\nthis line has no equals sign\n");
    ConfigException e = loadFails(ws, "global: {}\n");
    assertEquals(ws.toAbsolutePath().normalize().resolve(".env"), e.file());
    assertThat(e.getMessage(), containsString(".env line 3: expected KEY=VALUE"));
  }

  @Test
  void badResourceLimitsNameTheKeyAndLine() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              resources:
                max_heap: 0.9
                max_cpu: 150%
                sample_interval: 0
                max_wait: soon
            """);
    assertEquals(4, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.resources.max_heap: expected a percentage such as 90% or 12.5%,"
                + " got `0.9`"));
    assertThat(
        e.getMessage(),
        containsString(
            "line 4: global.resources.max_cpu: must be more than 0% and at most 100%, got `150%`"));
    assertThat(
        e.getMessage(),
        containsString("line 5: global.resources.sample_interval: must be positive, got `0`"));
    assertThat(
        e.getMessage(),
        containsString("line 6: global.resources.max_wait: expected a duration such as 300"));
  }

  @Test
  void aZeroHeapLimitIsRefused() {
    ConfigException e = loadFails(ws, "global:\n  resources:\n    max_heap: 0%\n");
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.resources.max_heap: must be more than 0% and at most 100%, got `0%`"));
  }

  @Test
  void unknownResourceKeySuggestsTheClosest() {
    ConfigException e = loadFails(ws, "global:\n  resources:\n    max_heep: 80%\n");
    assertEquals(
        configFile()
            + " line 3: unknown key `max_heep` at global.resources; did you mean `max_heap`?",
        e.getMessage());
  }
}
