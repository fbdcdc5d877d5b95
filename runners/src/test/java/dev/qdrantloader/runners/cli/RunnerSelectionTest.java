package dev.qdrantloader.runners.cli;

import static dev.qdrantloader.runners.cli.CliEndToEndTest.cli;
import static dev.qdrantloader.runners.cli.CliEndToEndTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.runners.cli.CliEndToEndTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ingest --runner`: what each runner refuses before anything is touched, and its options. */
class RunnerSelectionTest {
  @TempDir Path ws;

  private void workspace(String qdrant, String baseUrl) throws Exception {
    write(
        ws,
        "config.yaml",
        "global:\n"
            + "  qdrant:\n"
            + qdrant
            + "    collection_name: runners\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: "
            + baseUrl
            + "\n");
    write(ws, "docs/a.md", "# a\n\nSome text.\n");
  }

  /** Exit 2, every message in the error output, and nothing written. */
  private void assertRefused(Run run, String... messages) {
    assertEquals(2, run.code(), run.err());
    for (String m : messages) {
      assertTrue(run.err().contains(m), run.err());
    }
    assertFalse(Files.exists(ws.resolve(".qdrant-loader")), "nothing may be written");
  }

  @Test
  void anUnknownRunnerIsAUsageErrorNamingTheChoices() throws Exception {
    workspace("", "docs");
    Run run = cli(ws, "ingest", "--runner", "flink");
    assertRefused(run, "unknown runner `flink`: use direct, spark or dataflow");
  }

  @Test
  void aSparkMasterWithoutTheSparkRunnerIsRefused() throws Exception {
    workspace("", "docs");
    Run run = cli(ws, "ingest", "--spark-master", "local[2]");
    assertRefused(run, "--spark-master needs --runner spark");
  }

  @Test
  void noWaitIsForDataflowOnly() throws Exception {
    workspace("", "docs");
    Run run = cli(ws, "ingest", "--runner", "spark", "--no-wait");
    assertRefused(run, "--no-wait needs --runner dataflow");
  }

  @Test
  void aRunnersOwnValidationIsAUsageErrorBeforeAnythingIsTouched() throws Exception {
    workspace("    url: http://127.0.0.1:1\n", "gs://bucket/docs");
    Run run =
        cli(
            ws,
            "ingest",
            "--runner",
            "dataflow",
            "--pipeline-option=--project=Not A Project",
            "--pipeline-option=--region=europe-west1",
            "--pipeline-option=--tempLocation=gs://bucket/tmp",
            "--pipeline-option=--gcpTempLocation=gs://bucket/tmp",
            // no credentials or bucket checks: only the runner's own validation of the options
            "--pipeline-option=--pathValidatorClass="
                + "org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
            "--pipeline-option=--credentialFactoryClass="
                + "org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
            "--pipeline-option=--filesToStage=" + ws.resolve("config.yaml"));
    assertRefused(run, "--runner dataflow: ", "Not A Project");
  }

  @Test
  void aPipelineOptionMustBeNameEqualsValue() throws Exception {
    workspace("", "docs");
    Run run = cli(ws, "ingest", "--runner", "spark", "--pipeline-option", "numWorkers");
    assertRefused(run, "`numWorkers` must have the form --name=value");
  }

  @Test
  void dataflowRefusesLocalModeBecauseItsWorkersCannotReachIt() throws Exception {
    workspace("", "gs://bucket/docs");
    Run run =
        cli(
            ws,
            "ingest",
            "--runner",
            "dataflow",
            "--pipeline-option=--project=p",
            "--pipeline-option",
            "region=europe-west1",
            "--pipeline-option=--tempLocation=gs://bucket/tmp");
    assertRefused(run, "cannot reach the embedded Qdrant of local mode", "global.qdrant.url");
  }

  @Test
  void dataflowRefusesFilesOnThisMachineNamingTheKey() throws Exception {
    workspace("    url: http://127.0.0.1:1\n", "docs");
    Run run = cli(ws, "ingest", "--runner", "dataflow");
    assertRefused(
        run,
        "projects.handbook.sources.localfile.notes.base_url is a path on this",
        "use a gs:// location");
  }

  @Test
  void dataflowNamesEveryMissingOption() {
    RunnerChoice choice =
        new RunnerChoice(RunnerChoice.Kind.DATAFLOW, null, List.of("--project=p"));
    CliException e = assertThrows(CliException.class, choice::options);
    assertTrue(e.getMessage().contains("--region=<region"), e.getMessage());
    assertTrue(e.getMessage().contains("--tempLocation=gs://"), e.getMessage());
    assertFalse(e.getMessage().contains("--project=<"), e.getMessage());
  }

  @Test
  void sparkRunsLocallyOnEveryCoreUnlessToldOtherwise() {
    RunnerChoice local = new RunnerChoice(RunnerChoice.Kind.SPARK, null, List.of());
    SparkPipelineOptions o = local.options().as(SparkPipelineOptions.class);
    assertEquals("local[" + DirectRun.parallelism() + "]", o.getSparkMaster());
    assertTrue(local.workersOnThisMachine());

    RunnerChoice cluster =
        new RunnerChoice(
            RunnerChoice.Kind.SPARK,
            "spark://spark-master.example:7077",
            List.of("--filesToStage=/tmp/app.jar"));
    SparkPipelineOptions c = cluster.options().as(SparkPipelineOptions.class);
    assertEquals("spark://spark-master.example:7077", c.getSparkMaster());
    assertEquals(List.of("/tmp/app.jar"), c.getFilesToStage());
    assertFalse(cluster.workersOnThisMachine());
    assertEquals("spark (spark://spark-master.example:7077)", cluster.describe());
  }

  @Test
  void theDirectRunnerIsTunedButPassedOptionsWin() {
    DirectOptions tuned = RunnerChoice.direct().options().as(DirectOptions.class);
    assertFalse(tuned.isEnforceImmutability());
    assertEquals(DirectRun.parallelism(), tuned.getTargetParallelism());
    DirectOptions asked =
        new RunnerChoice(
                RunnerChoice.Kind.DIRECT,
                null,
                List.of("--enforceImmutability=true", "--targetParallelism=7"))
            .options()
            .as(DirectOptions.class);
    assertTrue(asked.isEnforceImmutability());
    assertEquals(7, asked.getTargetParallelism());
  }
}
