package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --pipeline-option} takes any {@code --name=value}, also names ingest itself has. */
class PipelineOptionArgumentTest {
  @TempDir Path ws;

  @Test
  void aPipelineOptionNamedLikeAnIngestOptionIsItsValueNotThatOption() {
    // no config.yaml: the command gets as far as loading the workspace, so parsing succeeded
    CliEndToEndTest.Run run =
        CliEndToEndTest.cli(
            ws,
            "ingest",
            "--runner",
            "dataflow",
            "--pipeline-option=--project=my-project",
            "--pipeline-option=--source=x",
            "--pipeline-option=--region=europe-west1");
    assertEquals(2, run.code(), run.out() + run.err());
    assertFalse(run.err().contains("Expected parameter"), run.err());
    assertTrue(run.err().contains("config.yaml"), run.err());
  }
}
