package dev.qdrantloader.pipelines.config;

import static dev.qdrantloader.pipelines.config.TestWorkspace.loadFails;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withConfig;
import static dev.qdrantloader.pipelines.config.TestWorkspace.withEnvFile;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${VAR}} substitution from the environment and the workspace's {@code .env}. */
class ConfigVariablesTest {
  @TempDir Path ws;

  private static final String SOURCE =
      """
      global:
        qdrant:
          collection_name: "${COLLECTION}"
      sources:
        localfile:
          docs:
            base_url: "${DOCS_DIR}"
      """;

  @Test
  void environmentVariablesAreSubstituted() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(ws, SOURCE), Map.of("COLLECTION", "handbook", "DOCS_DIR", "/srv/docs"));
    assertEquals("handbook", c.qdrant().collectionName());
    assertEquals("/srv/docs", c.projects().get(0).localFileSources().get(0).baseUrl());
  }

  @Test
  void dotEnvFillsWhatTheEnvironmentLacks() {
    withEnvFile(
        ws,
        """
        # workspace variables
        export DOCS_DIR="/srv/from-dotenv"   # quoted, with a comment
        COLLECTION = 'literal $value'
        """);
    IngestionConfig c = WorkspaceConfig.load(withConfig(ws, SOURCE), Map.of());
    assertEquals("literal $value", c.qdrant().collectionName());
    assertEquals("/srv/from-dotenv", c.projects().get(0).localFileSources().get(0).baseUrl());
  }

  @Test
  void explicitEnvironmentWinsOverDotEnv() {
    withEnvFile(ws, "DOCS_DIR=/srv/from-dotenv\nCOLLECTION=from-dotenv\n");
    IngestionConfig c =
        WorkspaceConfig.load(withConfig(ws, SOURCE), Map.of("DOCS_DIR", "/srv/from-env"));
    assertEquals("/srv/from-env", c.projects().get(0).localFileSources().get(0).baseUrl());
    assertEquals("from-dotenv", c.qdrant().collectionName());
  }

  @Test
  void doubleDollarEscapesALiteralPlaceholder() {
    IngestionConfig c =
        TestWorkspace.load(
            ws,
            """
            projects:
              p:
                description: "costs $${PRICE} per $unit"
            """);
    assertEquals("costs ${PRICE} per $unit", c.projects().get(0).description());
  }

  @Test
  void substitutedValuesAreNotExpandedAgain() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(ws, SOURCE), Map.of("COLLECTION", "a${B}", "DOCS_DIR", "/d"));
    assertEquals("a${B}", c.qdrant().collectionName());
  }

  @Test
  void variablesWorkInNumbersAndListItems() {
    IngestionConfig c =
        WorkspaceConfig.load(
            withConfig(
                ws,
                """
                global:
                  embedding:
                    batch_size: ${BATCH}
                sources:
                  localfile:
                    s:
                      base_url: /data
                      file_types: ["*.${EXT}"]
                """),
            Map.of("BATCH", "128", "EXT", "md"));
    assertEquals(128, c.embedding().batchSize());
    assertEquals(List.of("*.md"), c.projects().get(0).localFileSources().get(0).fileTypes());
  }

  @Test
  void unresolvedVariableNamesItsKeyPathAndLine() {
    ConfigException e =
        loadFails(
            ws,
            """
            projects:
              docs:
                sources:
                  localfile:
                    local-docs:
                      base_url: "${DOCS_DIR}/guides"
            """);
    assertEquals(1, e.problems().size(), e.getMessage());
    assertThat(
        e.getMessage(),
        containsString(
            "config.yaml line 6: projects.docs.sources.localfile.local-docs.base_url:"
                + " unresolved variable ${DOCS_DIR}"));
    assertThat(e.getMessage(), containsString(".env"));
  }

  @Test
  void unterminatedPlaceholderIsAnError() {
    ConfigException e = loadFails(ws, "projects:\n  p:\n    description: \"${OOPS\"\n");
    assertThat(e.getMessage(), containsString("line 3: projects.p.description: unterminated `${`"));
  }

  @Test
  void dotEnvParsesQuotesEscapesAndComments() {
    Map<String, String> vars =
        DotEnv.parse(
            Path.of(".env"),
            List.of(
                "\uFEFFA=plain value # comment",
                "export B=\"two\\nlines \\\"quoted\\\"\"",
                "C='#not a comment'",
                "D=",
                "E=x#y",
                "",
                "  # indented comment"));
    assertEquals(
        Map.of(
            "A", "plain value",
            "B", "two\nlines \"quoted\"",
            "C", "#not a comment",
            "D", "",
            "E", "x#y"),
        vars);
  }
}
