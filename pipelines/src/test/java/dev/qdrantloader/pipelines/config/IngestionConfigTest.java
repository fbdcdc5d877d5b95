package dev.qdrantloader.pipelines.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IngestionConfig#withOnly}: what {@code ingest --project/--source-type/--source} run. */
class IngestionConfigTest {
  @TempDir Path ws;
  IngestionConfig config;

  @BeforeEach
  void load() {
    config =
        TestWorkspace.load(
            ws,
            """
            projects:
              docs:
                sources:
                  localfile:
                    guides: {base_url: /data/guides}
                    api: {base_url: /data/api}
              kb:
                sources:
                  localfile:
                    guides: {base_url: /data/kb}
              empty:
                display_name: Nothing yet
            """);
  }

  private static List<String> selected(IngestionConfig c) {
    return c.projects().stream()
        .flatMap(p -> p.localFileSources().stream().map(s -> p.id() + "/" + s.name()))
        .toList();
  }

  @Test
  void noFilterKeepsEverySourceAndDropsProjectsWithout() {
    assertEquals(
        List.of("docs/guides", "docs/api", "kb/guides"),
        selected(config.withOnly(null, null, null)));
  }

  @Test
  void projectFilterKeepsOnlyThatProject() {
    assertEquals(List.of("docs/guides", "docs/api"), selected(config.withOnly("docs", null, null)));
  }

  @Test
  void sourceNameFilterMatchesAcrossProjects() {
    assertEquals(
        List.of("docs/guides", "kb/guides"), selected(config.withOnly(null, null, "guides")));
    assertEquals(List.of("kb/guides"), selected(config.withOnly("kb", "localfile", "guides")));
  }

  @Test
  void filteringKeepsTheSettings() {
    IngestionConfig only = config.withOnly("kb", null, null);
    assertSame(config.qdrant(), only.qdrant());
    assertSame(config.embedding(), only.embedding());
    assertEquals(config.workspace(), only.workspace());
  }

  @Test
  void unknownProjectNamesWhatWasAskedAndWhatExists() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config.withOnly("dosc", null, null));
    assertThat(e.getMessage(), containsString("config.yaml: no source matches --project dosc"));
    assertThat(e.getMessage(), containsString("did you mean `docs`?"));
    assertThat(
        e.getMessage(),
        containsString("docs/localfile/guides, docs/localfile/api, kb/localfile/guides"));
  }

  @Test
  void otherSourceTypeMatchesNothing() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config.withOnly(null, "git", null));
    assertThat(e.getMessage(), containsString("no source matches --source-type git"));
  }

  @Test
  void projectWithoutSourcesMatchesNothing() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config.withOnly("empty", null, "guides"));
    assertThat(e.getMessage(), containsString("--project empty --source guides"));
  }

  @Test
  void configWithoutSourcesHasNothingToIngest() {
    IngestionConfig none = TestWorkspace.load(ws, "global: {}\n");
    ConfigException e = assertThrows(ConfigException.class, () -> none.withOnly(null, null, null));
    assertThat(e.getMessage(), containsString("no sources to ingest; no sources are configured"));
  }
}
