package dev.qdrantloader.runners.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.embedding.LocalModel;
import dev.qdrantloader.io.localfile.LocalFileSpec;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.pipelines.IngestionJobs;
import dev.qdrantloader.pipelines.IngestionPipeline;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Runs the ingestion pipeline on the DirectRunner and prints the run summary. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Reads, converts, chunks and embeds the workspace's documents and writes them to Qdrant.",
      "Creates the collection first if it does not exist. Exit status 1 when some documents"
          + " failed (they are listed; the others are written)."
    })
final class IngestCommand implements Callable<Integer> {
  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Option(names = "--project", paramLabel = "ID", description = "Only this project.")
  String project;

  @Option(
      names = "--source-type",
      paramLabel = "TYPE",
      description = "Only sources of this type (localfile).")
  String sourceType;

  @Option(names = "--source", paramLabel = "NAME", description = "Only the source with this name.")
  String source;

  @Option(
      names = "--force",
      description =
          "Re-convert, re-embed and rewrite every document. (Every ingest does this until"
              + " incremental ingestion lands; the flag is accepted for scripts.)")
  boolean force;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    IngestionConfig config = parent.loadConfig().withOnly(project, sourceType, source);
    LocalModel model = IngestionJobs.model(config);
    String collection = config.qdrant().collectionName();
    Instant started = Instant.now();
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC).format(started);
    Path runDir = Workspaces.stateDir(config.workspace()).resolve("runs").resolve(runId);
    try {
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + runDir, e);
    }
    try (QdrantTarget target = QdrantTarget.open(config)) {
      if (QdrantCollections.ensure(target.client(), collection, model.dimension(), model.id())) {
        out.println("Created collection `" + collection + "` (" + target.description() + ")");
      }
      IngestionJobs.Planned planned =
          IngestionJobs.plan(
              config,
              target.connection(),
              started.toString(),
              runDir.resolve("failures").toString());
      List<Failure> failures = new ArrayList<>(planned.unavailableSources());
      Map<String, Long> counters = new HashMap<>();
      Map<String, Map<String, Long>> distributions = new TreeMap<>();
      long removed = 0;
      if (!planned.job().sources().isEmpty()) {
        Pipeline pipeline = DirectRun.create();
        IngestionPipeline.buildPipeline(pipeline, DirectRun.tune(planned.job()));
        PipelineResult result;
        try {
          result = pipeline.run();
          result.waitUntilFinish();
        } catch (RuntimeException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          spec.commandLine()
              .getErr()
              .println(
                  "error: the run failed and was stopped: "
                      + cause.getClass().getSimpleName()
                      + ": "
                      + cause.getMessage()
                      + " (points written before the failure are kept; run ingest again)");
          return QdrantLoaderCli.FAILED_DOCUMENTS;
        }
        counters = DirectRun.counters(result);
        distributions = DirectRun.distributions(result);
        failures.addAll(readFailures(runDir.resolve("failures.jsonl")));
        removed = removeStalePoints(target, collection, planned.job(), failures);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      RunSummary summary =
          new RunSummary(counters, failures, seconds, collection, target.description(), removed);
      summary.print(out);
      writeSummaryJson(
          runDir.resolve("summary.json"), runId, summary, counters, distributions, failures);
      return failures.isEmpty() ? QdrantLoaderCli.OK : QdrantLoaderCli.FAILED_DOCUMENTS;
    }
  }

  /**
   * Each run rewrites its documents under a new {@code ingested_at}: what the run did not write
   * (chunks of changed documents, documents gone from the source) is removed, per source, except
   * the documents that failed this time, which keep their earlier points.
   */
  private static long removeStalePoints(
      QdrantTarget target, String collection, IngestionJob job, List<Failure> failures) {
    long removed = 0;
    for (LocalFileSpec s : job.sources()) {
      Set<String> keep = new HashSet<>();
      for (Failure f : failures) {
        if (f.projectId().equals(s.projectId()) && f.source().equals(s.source())) {
          keep.add(DocumentIds.documentId(s.projectId(), "localfile", s.source(), f.path()));
        }
      }
      removed +=
          QdrantCollections.deleteStale(
              target.client(),
              collection,
              s.projectId(),
              "localfile",
              s.source(),
              job.ingestedAt(),
              keep);
    }
    return removed;
  }

  /**
   * The run's figures for scripts and benchmarks: the summary's totals, every Beam counter and
   * distribution by "Stage.name", and the failures.
   */
  private static void writeSummaryJson(
      Path file,
      String runId,
      RunSummary summary,
      Map<String, Long> counters,
      Map<String, Map<String, Long>> distributions,
      List<Failure> failures) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_id", runId);
    json.put("seconds", summary.seconds());
    json.put("documents_read", summary.documentsRead());
    json.put("chunks", summary.chunks());
    json.put("points_written", summary.pointsWritten());
    json.put("points_removed", summary.removed());
    json.put("failed_documents", summary.failedDocuments());
    json.put("counters", new TreeMap<>(counters));
    json.put("distributions", distributions);
    List<String> failureLines = new ArrayList<>();
    for (Failure f : failures) {
      failureLines.add(IngestionPipeline.json(f));
    }
    json.put("failures", failureLines);
    try {
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static List<Failure> readFailures(Path file) {
    List<Failure> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(IngestionPipeline.parseFailure(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    out.sort(
        (a, b) ->
            (a.projectId() + a.source() + a.path())
                .compareTo(b.projectId() + b.source() + b.path()));
    return out;
  }
}
