package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.loadFails;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withEnvFile;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every problem in {@code global.embedding} names its key and line, all reported together. */
class EmbeddingConfigErrorsTest {
  @TempDir Path ws;

  @Test
  void remoteProviderNeedsAModel() {
    ConfigException e =
        loadFails(ws, "global:\n  embedding:\n    provider: openai\n    api_key: sk\n");
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `model` is required when the provider is `openai`"));
  }

  @Test
  void openaiWithoutApiKeySaysHowToSetOne() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-3-small
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `api_key` is required when the provider is `openai`"));
    assertThat(e.getMessage(), containsString("${OPENAI_API_KEY}"));
  }

  @Test
  void azureWithoutApiKeyIsRefusedToo() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: azure_openai
                model: m
                base_url: https://r.openai.azure.com/openai/deployments/d
                api_version: 2024-10-21
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `api_key` is required when the provider is"
                + " `azure_openai`: api_key: ${AZURE_OPENAI_API_KEY}"));
  }

  @Test
  void apiKeyEmptyAfterSubstitutionIsAProblemAtItsLine() {
    withEnvFile(ws, "OPENAI_API_KEY=\n");
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-3-small
                api_key: ${OPENAI_API_KEY}
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString("line 5: global.embedding.api_key: is empty, but `openai` needs a key"));
  }

  @Test
  void unresolvedApiKeyVariableIsReportedOnce() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: azure_openai
                model: m
                api_key: ${AZURE_KEY}
                base_url: https://r.openai.azure.com/openai/deployments/d
                api_version: 2024-10-21
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString("line 5: global.embedding.api_key: unresolved variable ${AZURE_KEY}"));
  }

  @Test
  void azureNeedsApiVersionAndBaseUrl() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: azure_openai
                model: text-embedding-3-small
                api_key: k
            """);
    assertEquals(2, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `base_url` is required when the provider is"
                + " `azure_openai`, such as"
                + " https://RESOURCE.openai.azure.com/openai/deployments/DEPLOYMENT"));
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `api_version` is required when the provider is"
                + " `azure_openai`"));
  }

  @Test
  void azureBaseUrlMustBeTheDeploymentUrl() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: azure_openai
                model: m
                api_key: k
                base_url: https://my-res.openai.azure.com/
                api_version: 2024-10-21
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: global.embedding.base_url: for azure_openai, expected the deployment URL"));
  }

  @Test
  void openaiCompatibleNeedsABaseUrl() {
    ConfigException e =
        loadFails(ws, "global:\n  embedding:\n    provider: openai_compatible\n    model: m\n");
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding: `base_url` is required when the provider is"
                + " `openai_compatible`, such as http://localhost:11434/v1"));
  }

  @Test
  void baseUrlMustBeHttpWithoutQuery() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai_compatible
                model: m
                base_url: localhost:11434/v1
            """);
    assertThat(
        e.getMessage(),
        containsString("line 5: global.embedding.base_url: expected an http(s) URL such as"));

    e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                base_url: https://api.example.com/v1?key=1
            """);
    assertThat(
        e.getMessage(),
        containsString("line 6: global.embedding.base_url: must not have a query or fragment"));

    e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai_compatible
                model: m
                base_url: https://bob:s3cret-pw@gateway.example.com/v1
            """);
    assertThat(
        e.getMessage(),
        containsString("line 5: global.embedding.base_url: must not carry credentials"));
    assertThat(e.getMessage(), not(containsString("s3cret-pw")));
  }

  @Test
  void zeroNegativeAndTooLargeLimitsNameTheirRange() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                timeout: 0s
                max_retries: 101
                rpm: -1
                tpm: -5
                max_concurrency: 0
                max_inputs_per_request: 0
                max_tokens_per_request: 0
                max_tokens_per_input: -1
                dimensions: 0
            """);
    assertEquals(9, e.problems().size(), e.getMessage());
    for (String expected :
        new String[] {
          "line 6: global.embedding.timeout: must be positive, got `0s`",
          "line 7: global.embedding.max_retries: must be between 0 and 100, got 101",
          "line 8: global.embedding.rpm: must be at least 0, got -1",
          "line 9: global.embedding.tpm: must be at least 0, got -5",
          "line 10: global.embedding.max_concurrency: must be between 1 and 1024, got 0",
          "line 11: global.embedding.max_inputs_per_request: must be at least 1, got 0",
          "line 12: global.embedding.max_tokens_per_request: must be at least 16, got 0",
          "line 13: global.embedding.max_tokens_per_input: must be at least 16, got -1",
          "line 14: global.embedding.dimensions: must be at least 1, got 0"
        }) {
      assertThat(e.getMessage(), containsString(expected));
    }
  }

  @Test
  void timeoutMustBeADuration() {
    ConfigException e =
        loadFails(
            ws,
            "global:\n  embedding:\n    provider: openai\n    model: m\n    api_key: k\n"
                + "    timeout: soon\n");
    assertThat(
        e.getMessage(), containsString("line 6: global.embedding.timeout: expected a duration"));
  }

  @Test
  void unknownKeySuggestsTheClosestOne() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                max_concurency: 4
                cache:
                  enable: true
            """);
    assertEquals(2, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: unknown key `max_concurency` at global.embedding; did you mean"
                + " `max_concurrency`?"));
    assertThat(
        e.getMessage(),
        containsString(
            "line 8: unknown key `enable` at global.embedding.cache; did you mean `enabled`?"));
  }

  @Test
  void remoteOnlyKeysWithTheLocalProviderAreRefused() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                model: all-minilm-l6-v2-q
                api_key: ${OPENAI_API_KEY}
                rpm: 100
            """);
    assertEquals(2, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 4: global.embedding.api_key: only for remote providers (openai, azure_openai,"
                + " openai_compatible); the provider is `local`"));
    assertThat(
        e.getMessage(), containsString("line 5: global.embedding.rpm: only for remote providers"));
  }

  @Test
  void apiVersionIsOnlyForAzure() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                api_version: 2024-10-21
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: global.embedding.api_version: only for azure_openai; the provider is"
                + " `openai`"));
  }

  @Test
  void batchSizeWithARemoteProviderPointsToMaxInputsPerRequest() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                batch_size: 64
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 6: global.embedding.batch_size: only for the local provider; for `openai` use"
                + " max_inputs_per_request"));
  }

  @Test
  void dimensionsMustEqualVectorSize() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: text-embedding-3-large
                api_key: k
                vector_size: 3072
                dimensions: 1024
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 7: global.embedding.dimensions: must equal vector_size (3072) when both are"
                + " given, got 1024"));
  }

  @Test
  void localDimensionsMustBeTheModelsSize() {
    ConfigException e = loadFails(ws, "global:\n  embedding:\n    dimensions: 768\n");
    assertThat(
        e.getMessage(),
        containsString(
            "line 3: global.embedding.dimensions: model `all-minilm-l6-v2-q` makes vectors of"
                + " size 384, not 768"));
  }

  @Test
  void chunkSizeOverMaxTokensPerInputIsRefused() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                max_tokens_per_input: 512
              chunking:
                chunk_size: 1000
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 8: global.chunking.chunk_size: max_tokens_per_input of `openai` is 512, so"
                + " chunk_size must be at most 512, got 1000"));
  }

  @Test
  void defaultChunkSizeIsCheckedAgainstTheOverlap() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
              chunking:
                chunk_overlap: 600
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 7: global.chunking.chunk_overlap: chunk_overlap (600) must be less than the"
                + " default chunk_size (512)"));
  }

  @Test
  void maxTokensPerInputMustFitInARequest() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                max_tokens_per_request: 1000
                max_tokens_per_input: 2000
            """);
    assertThat(
        e.getMessage(),
        containsString(
            "line 7: global.embedding.max_tokens_per_input: must be at most max_tokens_per_request"
                + " (1000)"));
  }

  @Test
  void badHeadersAreRefusedWithoutShowingValues() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai_compatible
                model: m
                base_url: http://localhost:8080/v1
                headers:
                  "Bad Header": ${TOKEN}
                  X-Empty: ${EMPTY}
                  X-Null:
            """,
            Map.of("TOKEN", "t0k3n-secret", "EMPTY", ""));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 7: global.embedding.headers.Bad Header: not a valid HTTP header name"));
    assertThat(
        e.getMessage(), containsString("line 8: global.embedding.headers.X-Empty: needs a value"));
    assertThat(
        e.getMessage(), containsString("line 9: global.embedding.headers.X-Null: needs a value"));
    assertThat(e.getMessage(), not(containsString("t0k3n-secret")));
  }

  @Test
  void headersMustBeAMapping() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: k
                headers: [a, b]
            """);
    assertThat(
        e.getMessage(),
        containsString("line 6: global.embedding.headers: expected a mapping of keys to values"));
  }

  @Test
  void badCacheValuesNameTheirKeys() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                cache:
                  enabled: maybe
                  path: ""
                  max_memory_mb: -1
            """);
    assertEquals(3, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "line 4: global.embedding.cache.enabled: expected true or false, got `maybe`"));
    assertThat(
        e.getMessage(), containsString("line 5: global.embedding.cache.path: must not be empty"));
    assertThat(
        e.getMessage(),
        containsString("line 6: global.embedding.cache.max_memory_mb: must be at least 0, got -1"));
  }

  @Test
  void problemsNeverEchoTheApiKey() {
    ConfigException e =
        loadFails(
            ws,
            """
            global:
              embedding:
                provider: openai
                model: m
                api_key: ${KEY}
                base_url: "https://user:pw@api.example.com/v1?x=1"
                max_concurency: 2
            """,
            Map.of("KEY", "sk-s3cr3t"));
    assertThat(e.getMessage(), not(containsString("sk-s3cr3t")));
    assertThat(e.getMessage(), not(containsString(":pw@")));
  }
}
