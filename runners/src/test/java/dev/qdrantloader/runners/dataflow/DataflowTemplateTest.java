package dev.qdrantloader.runners.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.IngestionJobs;
import dev.qdrantloader.pipelines.IngestionPipeline;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import dev.qdrantloader.runners.cli.RunnerChoice;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.dataflow.util.DataflowTemplateJob;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory;
import org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline as the DataflowRunner translates it, offline: with {@code --templateLocation} the
 * runner writes the job (every step, with its serialised DoFn and coders) to a local file instead
 * of submitting it, and needs neither credentials nor network.
 */
class DataflowTemplateTest {
  @TempDir Path tmp;

  /** What one template run printed and returned. */
  record Run(int code, String out, String err) {}

  static Run template(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        DataflowTemplate.run(
            args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /** Dataflow options that make a template file under {@code dir} with no GCP access. */
  static List<String> offlineDataflow(Path dir) {
    return List.of(
        "--project=my-project",
        "--region=us-central1",
        "--jobName=qdrant-loader-test",
        "--tempLocation=" + dir.resolve("temp"),
        "--gcpTempLocation=" + dir.resolve("temp"),
        "--stagingLocation=" + dir.resolve("staging"),
        "--templateLocation=" + dir.resolve("template.json"),
        // our classes, not the whole test classpath (a directory is staged as a zip)
        "--filesToStage=" + Path.of("target/classes").toAbsolutePath(),
        "--pathValidatorClass=" + NoopPathValidator.class.getName(),
        "--credentialFactoryClass=" + NoopCredentialFactory.class.getName());
  }

  /** A workspace reading gs:// and writing to the Qdrant at {@code qdrantUrl}. */
  static Path workspace(Path dir, String qdrantUrl) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.yaml"),
        "global:\n"
            + "  qdrant:\n"
            + "    url: "
            + qdrantUrl
            + "\n"
            + "    collection_name: df\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: gs://example-bucket/docs\n",
        StandardCharsets.UTF_8);
    return dir;
  }

  /** The template's steps, user name to kind, in order. */
  static Map<String, String> steps(Path template) throws Exception {
    Map<String, String> steps = new LinkedHashMap<>();
    for (JsonNode s : new ObjectMapper().readTree(template.toFile()).withArray("steps")) {
      steps.put(s.at("/properties/user_name/value").asText(), s.path("kind").asText());
    }
    return steps;
  }

  /** The stages of the ingestion graph, as Dataflow names its steps. */
  static void assertIngestionSteps(Map<String, String> steps) {
    for (String stage :
        List.of(
            "ReadManifest/ReadEntries",
            "ReadDocuments/List handbook/notes",
            "ReadDocuments/Read handbook/notes",
            "DiffDocuments/Classify",
            "ConvertDocuments/Convert",
            "ChunkDocuments/ChunkFn",
            "ReuseVectors/FetchVectors",
            "EmbedChunks/Embed",
            "WriteToQdrant/Upsert",
            "CommitDocuments/Commit",
            "DeleteDocuments/DeletePointsAndEntries",
            "RecordTouched/WriteEntries",
            "SweepOrphans/Sweep")) {
      assertEquals("ParallelDo", steps.get(stage), stage + " in " + steps.keySet());
    }
    // GroupIntoBatches, as Dataflow's batch mode rewrites it: a GroupByKey, then a split
    assertEquals("GroupByKey", steps.get("EmbedChunks/Batch/GroupAll"), steps.keySet().toString());
    assertEquals("ParallelDo", steps.get("EmbedChunks/Batch/SplitIntoBatches"));
    assertTrue(
        steps.keySet().stream().anyMatch(s -> s.startsWith("WriteFailures/WriteFiles/")),
        steps.keySet().toString());
  }

  @Test
  void theIngestionPipelineTranslatesForDataflowWithEveryStage() throws Exception {
    IngestionConfig config =
        WorkspaceConfig.load(workspace(tmp.resolve("ws"), "http://127.0.0.1:6334"));
    RunnerChoice choice = new RunnerChoice(RunnerChoice.Kind.DATAFLOW, null, offlineDataflow(tmp));
    choice.checkReachable(config);
    IngestionJobs.Planned planned =
        IngestionJobs.plan(
            config,
            QdrantConnection.fromUrl(config.qdrant().url(), null),
            "2026-11-22T00:00:00Z",
            tmp.resolve("failures").toString());
    assertTrue(planned.unavailableSources().isEmpty(), planned.unavailableSources().toString());
    Pipeline pipeline = choice.create();
    // incremental with a sweep: the largest graph (known files, donors and SweepOrphans)
    IngestionPipeline.buildPipeline(
        pipeline, choice.tune(planned.job().withIncremental(false, true)));

    // Translation serialises every DoFn and coder: one that cannot be fails here.
    PipelineResult result = pipeline.run();
    assertTrue(result instanceof DataflowTemplateJob, result.getClass().getName());

    Path template = tmp.resolve("template.json");
    Map<String, String> steps = steps(template);
    assertIngestionSteps(steps);
    assertTrue(
        steps.keySet().stream().anyMatch(s -> s.startsWith("KnownView/")),
        "an incremental run skips files known by size and time: " + steps.keySet());
    for (JsonNode s : new ObjectMapper().readTree(template.toFile()).withArray("steps")) {
      if (s.path("kind").asText().equals("ParallelDo")) {
        assertFalse(
            s.at("/properties/serialized_fn/value").asText().isEmpty(),
            s.at("/properties/user_name/value").asText() + " carries its serialised DoFn");
      }
    }
    try (var staged = Files.list(tmp.resolve("staging"))) {
      assertTrue(
          staged.anyMatch(f -> f.getFileName().toString().startsWith("pipeline-")),
          "the portable pipeline proto is staged too");
    }
  }

  @Test
  void theTemplateMainRunsIngestWithTheDataflowArgumentsPassedThrough() throws Exception {
    try (LocalQdrantServer qdrant = LocalQdrantServer.builder().port(0).dataDir(null).start()) {
      Path ws = workspace(tmp.resolve("ws"), "http://127.0.0.1:" + qdrant.port());
      List<String> args = new ArrayList<>();
      args.add("--workspace=" + ws);
      args.add("--force=true");
      args.addAll(offlineDataflow(tmp));
      args.add("--experiments=shuffle_mode=service");
      Run run = template(args);

      // ingest ran: the collection exists in the Qdrant the workspace names
      try (QdrantClient client =
          new QdrantClient(
              QdrantGrpcClient.newBuilder(qdrant.host(), qdrant.port(), false).build())) {
        assertTrue(QdrantCollections.exists(client, "df"), run.out() + run.err());
      }
      assertTrue(run.out().contains("Dataflow template written to"), run.out() + run.err());

      Path template = tmp.resolve("template.json");
      assertTrue(Files.isRegularFile(template), run.out() + run.err());
      assertIngestionSteps(steps(template));
      JsonNode options =
          new ObjectMapper()
              .readTree(template.toFile())
              .at("/environment/sdkPipelineOptions/options");
      assertEquals("my-project", options.path("project").asText());
      assertEquals("us-central1", options.path("region").asText());
      assertEquals("qdrant-loader-test", options.path("jobName").asText());
      assertEquals(template.toString(), options.path("templateLocation").asText());
      assertEquals(
          "shuffle_mode=service", options.path("experiments").get(0).asText(), options.toString());
      // the template's own parameters are not runner options
      for (String own : DataflowTemplate.parameterNames()) {
        assertFalse(options.has(own), own + " reached the runner: " + options);
      }
    }
  }

  /**
   * With {@code --templateLocation} the runner returns a job that must not be queried: ingest says
   * where the template is and succeeds, and records no run.
   */
  @Test
  void writingATemplateIsASuccessThatSaysWhereTheTemplateIs() throws Exception {
    try (LocalQdrantServer qdrant = LocalQdrantServer.builder().port(0).dataDir(null).start()) {
      Path ws = workspace(tmp.resolve("ws"), "http://127.0.0.1:" + qdrant.port());
      List<String> args = new ArrayList<>();
      args.add("--workspace=" + ws);
      args.add("--force=true");
      args.addAll(offlineDataflow(tmp));
      Run run = template(args);
      assertEquals(0, run.code(), run.out() + run.err());
      assertTrue(
          run.out().contains("template written to " + tmp.resolve("template.json")), run.out());
      try (QdrantClient client =
          new QdrantClient(
              QdrantGrpcClient.newBuilder(qdrant.host(), qdrant.port(), false).build())) {
        assertEquals(
            List.of(),
            dev.qdrantloader.io.qdrant.RunHistory.all(client, "df"),
            "writing a template is not a run");
      }
    }
  }

  @Test
  void aWorkspaceWithoutConfigYamlIsAnErrorNamingTheParameter() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    List<String> args = new ArrayList<>();
    args.add("--workspace=" + empty);
    args.addAll(offlineDataflow(tmp));
    Run run = template(args);
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("--workspace=" + empty), run.err());
    assertTrue(run.err().contains("no config.yaml in the workspace"), run.err());
    assertFalse(Files.exists(tmp.resolve("template.json")));
  }

  @Test
  void theWorkspaceParameterIsRequired() {
    Run run = template(offlineDataflow(tmp));
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().contains("--workspace"), run.err());
  }

  @Test
  void onlyTheTemplatesOwnArgumentsAreTakenOutTheRestReachTheRunnerUnchanged() {
    String[] args = {
      "--workspace=gs://b/ws",
      "--onlyProject=handbook",
      "--sourceType=localfile",
      "--source=notes",
      "--force=true",
      "--project=my-project",
      "--region=europe-west1",
      "--experiments=a,b",
      "--streaming"
    };
    IngestTemplateOptions options =
        PipelineOptionsFactory.fromArgs(args).as(IngestTemplateOptions.class);
    assertEquals(
        List.of(
            "--workspace",
            "/tmp/local-ws",
            "ingest",
            "--runner",
            "dataflow",
            "--no-wait",
            "--project=handbook",
            "--source-type=localfile",
            "--source=notes",
            "--force",
            "--pipeline-option=--project=my-project",
            "--pipeline-option=--region=europe-west1",
            "--pipeline-option=--experiments=a,b",
            "--pipeline-option=--streaming=true"),
        List.of(DataflowTemplate.cliArgs(options, Path.of("/tmp/local-ws"), args)));
  }
}
