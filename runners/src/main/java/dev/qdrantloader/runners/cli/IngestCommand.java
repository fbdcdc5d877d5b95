package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.RunHistory;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.pipelines.IngestionJobs;
import dev.qdrantloader.pipelines.IngestionPipeline;
import dev.qdrantloader.pipelines.UpToDate;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.runners.observe.LiveMetrics;
import dev.qdrantloader.runners.observe.MetricsEndpoint;
import dev.qdrantloader.runners.observe.RunMonitor;
import dev.qdrantloader.runners.report.HtmlReport;
import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.runners.report.Profiler;
import dev.qdrantloader.runners.report.ReportSettings;
import dev.qdrantloader.runners.report.RunReport;
import dev.qdrantloader.runners.report.Stages;
import dev.qdrantloader.transforms.model.Failure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.beam.runners.dataflow.DataflowPipelineJob;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
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
      "Brings the collection in step with the workspace's sources: new and changed documents"
          + " are converted, chunked, embedded (reusing the vectors of unchanged chunk texts)"
          + " and written; unchanged ones are skipped before any conversion; vanished ones are"
          + " removed. A filtered run (--project, --source-type, --source) removes nothing"
          + " outside its filter.",
      "Creates the collection and its manifest first if they do not exist. Exit status 1 when"
          + " some documents failed (they are listed and keep what the collection had; the"
          + " others are written)."
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
          "Re-convert, re-embed and rewrite every listed document, even unchanged ones, and"
              + " remove points no manifest entry accounts for. Without it only new and changed"
              + " documents are processed.")
  boolean force;

  @Option(
      names = "--runner",
      paramLabel = "RUNNER",
      defaultValue = "direct",
      description =
          "Beam runner: direct (this JVM, the default), spark (local on every core, or the"
              + " master of --spark-master) or dataflow (needs --pipeline-option for project,"
              + " region and tempLocation).")
  String runner;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description =
          "Spark master for --runner spark: local[N], spark://host:port, yarn, k8s://...;"
              + " default: the one spark-submit set, else local[<cores>].")
  String sparkMaster;

  @Option(
      names = "--pipeline-option",
      paramLabel = "--NAME=VALUE",
      description =
          "A Beam pipeline option passed to the runner as it is (repeatable), e.g."
              + " --pipeline-option=--project=my-project --pipeline-option=--region=europe-west1.")
  List<String> pipelineOptions = new ArrayList<>();

  @Option(
      names = "--no-wait",
      description =
          "With --runner dataflow: submit the job and return without waiting for it (what the"
              + " flex template does). The run stays `running` in the run history; the next"
              + " ingest treats it as interrupted and checks up after it.")
  boolean noWait;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve the run's metrics at http://<--metrics-host>:PORT/metrics in the Prometheus text"
              + " format while it runs (per-stage counters and timings, JVM CPU, heap and GC;"
              + " 0 picks a free port). DirectRunner only: Spark and Dataflow show the same"
              + " metrics in their own UI.")
  Integer metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address the metrics endpoint listens on (default ${DEFAULT-VALUE}; 0.0.0.0 for every"
              + " interface).")
  String metricsHost;

  @Option(
      names = "--metrics-linger",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "With --metrics-port: keep serving the final figures this many seconds after the run"
              + " (qdrant_loader_run_finished is 1 then), so a scrape interval longer than the"
              + " run's tail still sees them (default ${DEFAULT-VALUE}).")
  double metricsLinger;

  @Option(
      names = "--profile",
      description =
          "Record the run with Java Flight Recorder: runs/<run-id>/profile.jfr and a flame graph"
              + " beside it (flame-graph.html); the summary lists the 10 hottest methods. For"
              + " runners whose work runs in this JVM (direct, spark local).")
  boolean profile;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "Progress while the pipeline runs, on stderr: line (one line redrawn in place), log (a"
              + " plain line every --progress-every), off, or auto (line when stderr is a"
              + " terminal, else log). DirectRunner only.")
  String progress;

  @Option(
      names = "--progress-every",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Seconds between progress lines in log mode (default ${DEFAULT-VALUE}).")
  double progressEvery;

  /** The runner chosen on the command line. */
  RunnerChoice runnerChoice() {
    try {
      return new RunnerChoice(RunnerChoice.Kind.parse(runner), sparkMaster, pipelineOptions);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    IngestionConfig config = parent.loadConfig().withOnly(project, sourceType, source);
    RunnerChoice choice = runnerChoice();
    choice.checkReachable(config);
    if (noWait && choice.kind() != RunnerChoice.Kind.DATAFLOW) {
      throw new CliException("--no-wait needs --runner dataflow");
    }
    // The runner's options are checked before anything is touched.
    PipelineOptions options = choice.options();
    try {
      PipelineRunner.fromOptions(options);
    } catch (IllegalArgumentException e) {
      throw new CliException("--runner " + choice.kind().cliName() + ": " + e.getMessage());
    }
    RunMonitor.Progress progressMode = progressMode(choice);
    if (profile && !choice.inThisJvm()) {
      throw new CliException(
          "--profile needs a runner whose work runs in this JVM (direct, or spark with a local"
              + " master): "
              + choice.describe()
              + " runs it elsewhere (profile the workers with the runner's own tools)");
    }
    boolean live = choice.kind() == RunnerChoice.Kind.DIRECT;
    if (live) {
      // The pipeline runs in the background so its metrics can be read while it runs.
      options.as(DirectOptions.class).setBlockOnRun(false);
    } else if (metricsPort != null) {
      throw new CliException(
          "--metrics-port needs --runner direct: on "
              + choice.kind().cliName()
              + " the same Beam metrics appear in the runner's own UI (the Spark UI's stages, the"
              + " Dataflow console's job metrics)");
    }
    LiveMetrics liveMetrics = new LiveMetrics();
    String template =
        choice.kind() == RunnerChoice.Kind.DATAFLOW
            ? options.as(DataflowPipelineOptions.class).getTemplateLocation()
            : null;
    Instant started = Instant.now();
    String runId =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC).format(started);
    // The endpoint's port is taken before anything else is touched (a port in use is exit 2).
    MetricsEndpoint endpoint = metricsEndpoint(liveMetrics, runId, choice, t0, out);
    EmbeddingPlan embedding;
    Path runDir = Workspaces.stateDir(config.workspace()).resolve("runs").resolve(runId);
    try {
      embedding = Probe.embedding(config, out);
      Files.createDirectories(runDir);
    } catch (IOException e) {
      closeQuietly(endpoint);
      throw new UncheckedIOException("cannot create " + runDir, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(endpoint);
      throw e;
    }
    if (!choice.inThisJvm() && embedding.persistentCache() != null) {
      out.println(
          "note: the on-disk embedding cache is not used with "
              + choice.describe()
              + " (one JVM at a time opens its file, and this runner's workers run in JVMs of"
              + " their own)");
      embedding = embedding.withoutPersistentCache();
    }
    String collection = config.qdrant().collectionName();
    try (endpoint;
        QdrantTarget target = QdrantTarget.open(config)) {
      boolean sweep = force;
      boolean created =
          QdrantCollections.ensure(
              target.client(), collection, embedding.vectorSize(), embedding.id());
      if (created) {
        out.println("Created collection `" + collection + "` (" + target.description() + ")");
        if (QdrantCollections.exists(target.client(), QdrantManifest.collectionFor(collection))
            && QdrantManifest.documents(target.client(), collection) > 0) {
          // The collection was deleted behind our back: its manifest describes points that are
          // gone, so every document must be written again.
          QdrantManifest.drop(target.client(), collection);
          out.println(
              "The manifest `"
                  + QdrantManifest.collectionFor(collection)
                  + "` described a collection that no longer exists: it was reset");
        }
      }
      if (QdrantManifest.ensure(target.client(), collection) && !created) {
        sweep = true; // points written before the manifest existed: orphans are possible
      }
      List<RunHistory.Run> unfinished = RunHistory.unfinished(target.client(), collection);
      if (!unfinished.isEmpty()) {
        out.println(
            "An earlier run did not finish ("
                + unfinished.get(0).runId()
                + ", "
                + unfinished.get(0).status()
                + (unfinished.size() > 1 ? ", and " + (unfinished.size() - 1) + " more" : "")
                + "): this run also removes points it may have left behind");
        sweep = true;
      }
      String scope = scopeDescription();
      IngestionJobs.Planned planned =
          IngestionJobs.plan(
              config,
              embedding,
              target.connection(),
              started.toString(),
              failuresPrefix(choice, runDir, runId, out));
      IngestionJob job = planned.job().withIncremental(force, sweep);
      if (template != null) {
        return writeTemplate(choice, options, job, template, out);
      }
      if (!unfinished.isEmpty()) {
        int redo =
            RunHistory.forgetDocumentsTouchedBy(
                target.client(), collection, unfinished, job.scopes());
        if (redo > 0) {
          out.println(
              "  "
                  + redo
                  + " documents it was writing are written again (their points may be part old,"
                  + " part new)");
        }
      }
      List<Failure> failures = new ArrayList<>(planned.unavailableSources());
      RunReport.Settings settings =
          ReportSettings.of(config, embedding, choice.describe(), choice.threadsInThisJvm());
      RunReport.ProfileSummary profileSummary = null;
      Profiler profiler =
          profile ? Profiler.start(runDir, "qdrant-loader ingest " + runId + " " + scope) : null;
      RunMonitor monitor = null;
      try {
        RunHistory.started(target.client(), collection, runId, started.toString(), scope);
        MetricsSnapshot metrics = MetricsSnapshot.EMPTY;
        RunReport.Timeline timeline = new RunReport.Timeline(0, List.of());
        Optional<Map<String, Long>> upToDate = UpToDate.check(job, target.client());
        if (upToDate.isPresent()) {
          metrics = new MetricsSnapshot(upToDate.get(), Map.of());
        } else if (!job.sources().isEmpty()) {
          if (choice.kind() != RunnerChoice.Kind.DIRECT) {
            out.println("Running the pipeline on " + choice.describe());
            out.flush();
          }
          Pipeline pipeline = Pipeline.create(options);
          IngestionPipeline.buildPipeline(pipeline, choice.tune(job));
          PipelineResult result;
          if (live) {
            monitor =
                new RunMonitor(
                        liveMetrics,
                        SAMPLE_MILLIS,
                        progressMode,
                        Math.round(progressEvery * 1000),
                        spec.commandLine().getErr())
                    .start();
          }
          try {
            result = pipeline.run();
            liveMetrics.running(result);
            if (noWait) {
              out.println(
                  "Submitted "
                      + jobId(result)
                      + "; it runs on its own (this run stays `running` in the run history, so the"
                      + " next ingest checks up after it as after an interrupted run)");
              return QdrantLoaderCli.OK;
            }
            PipelineResult.State state = result.waitUntilFinish();
            if (state != null && state != PipelineResult.State.DONE) {
              throw new IllegalStateException(jobId(result) + " ended " + state);
            }
          } catch (RuntimeException e) {
            MetricsSnapshot atFailure = snapshotOrEmpty(liveMetrics);
            if (monitor != null) {
              monitor.finish(atFailure);
            }
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String error = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            spec.commandLine()
                .getErr()
                .println(
                    "error: the run failed and was stopped: "
                        + error
                        + " (the collection keeps every document as it was before or as this run"
                        + " completed it; run ingest again)");
            profileSummary = stopProfile(profiler, out);
            double failedAfter = (System.nanoTime() - t0) / 1e9;
            // The report and the run history are written each on its own: when the failure is
            // Qdrant's, the history cannot be, and the report still says what happened.
            try {
              writeReport(
                  runDir,
                  RunReports.of(
                      runId,
                      started,
                      Instant.now(),
                      new RunSummary(
                          atFailure.counters(),
                          failures,
                          failedAfter,
                          collection,
                          target.description(),
                          force),
                      scope,
                      choice.describe(),
                      config,
                      Stages.figures(atFailure, failedAfter),
                      atFailure,
                      monitor == null ? timeline : monitor.timeline(),
                      monitor,
                      settings,
                      profileSummary,
                      error),
                  out);
            } catch (RuntimeException reportFailure) {
              spec.commandLine()
                  .getErr()
                  .println("error: the run report could not be written: " + reportFailure);
            }
            liveMetrics.finish(atFailure);
            try {
              RunHistory.ended(
                  target.client(),
                  collection,
                  new RunHistory.Run(
                      runId,
                      started.toString(),
                      Instant.now().toString(),
                      RunHistory.FAILED,
                      scope,
                      Map.of()));
            } catch (RuntimeException historyFailure) {
              spec.commandLine()
                  .getErr()
                  .println(
                      "error: the run history could not record the failure ("
                          + historyFailure.getMessage()
                          + "): the next ingest treats this run as interrupted");
            }
            return QdrantLoaderCli.FAILED_DOCUMENTS;
          }
          metrics = MetricsSnapshot.of(result, false);
          if (monitor != null) {
            monitor.finish(metrics);
            timeline = monitor.timeline();
          }
          FileSystems.setDefaultPipelineOptions(pipeline.getOptions());
          failures.addAll(readFailures(job.failuresPrefix() + ".jsonl"));
        }
        profileSummary = stopProfile(profiler, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        RunSummary summary =
            new RunSummary(
                metrics.counters(), failures, seconds, collection, target.description(), force);
        List<RunReport.StageFigures> stages = Stages.figures(metrics, seconds);
        RunHistory.ended(
            target.client(),
            collection,
            new RunHistory.Run(
                runId,
                started.toString(),
                Instant.now().toString(),
                failures.isEmpty() ? RunHistory.SUCCEEDED : RunHistory.FAILED_DOCUMENTS,
                scope,
                summary.outcomes()));
        // Only a run over every source has cleaned up after them everywhere; until one does, each
        // run sweeps and rewrites within its own sources.
        boolean everySource = project == null && sourceType == null && source == null;
        if (everySource && !unfinished.isEmpty()) {
          RunHistory.markCleanedUp(
              target.client(), collection, unfinished, Instant.now().toString());
        }
        RunReport report =
            RunReports.of(
                runId,
                started,
                Instant.now(),
                summary,
                scope,
                choice.describe(),
                config,
                stages,
                metrics,
                timeline,
                monitor,
                settings,
                profileSummary,
                null);
        summary.print(out, report);
        writeReport(runDir, report, out);
        liveMetrics.finish(metrics);
        if (endpoint != null && metricsLinger > 0) {
          out.printf(
              Locale.ROOT,
              "Metrics stay at http://%s:%d/metrics for %.0f s%n",
              metricsHost,
              endpoint.port(),
              metricsLinger);
          out.flush();
          linger();
        }
        return failures.isEmpty() ? QdrantLoaderCli.OK : QdrantLoaderCli.FAILED_DOCUMENTS;
      } finally {
        if (monitor != null) {
          monitor.close();
        }
        if (profiler != null) {
          profiler.close();
        }
      }
    }
  }

  /** Stops the --profile recording and writes its outputs; a failure here only warns. */
  private static RunReport.ProfileSummary stopProfile(Profiler profiler, PrintWriter out) {
    if (profiler == null) {
      return null;
    }
    try {
      return profiler.stop();
    } catch (RuntimeException e) {
      out.println("note: --profile: the recording could not be written: " + e.getMessage());
      return null;
    }
  }

  /**
   * Translates the pipeline into a Dataflow template file instead of running it: the run history
   * records nothing, and no document state changes.
   */
  private static int writeTemplate(
      RunnerChoice choice,
      PipelineOptions options,
      IngestionJob job,
      String location,
      PrintWriter out) {
    Pipeline pipeline = Pipeline.create(options);
    IngestionPipeline.buildPipeline(pipeline, choice.tune(job));
    pipeline.run(); // the result of template creation must not be used
    out.println(
        "Dataflow template written to "
            + location
            + " (nothing was run: the template holds the pipeline as translated here)");
    return QdrantLoaderCli.OK;
  }

  /** Sampling interval of the run monitor. */
  static final long SAMPLE_MILLIS = 1000;

  private RunMonitor.Progress progressMode(RunnerChoice choice) {
    RunMonitor.Progress mode =
        switch (progress) {
          case "auto" -> stderrIsTerminal() ? RunMonitor.Progress.LINE : RunMonitor.Progress.LOG;
          case "line" -> RunMonitor.Progress.LINE;
          case "log" -> RunMonitor.Progress.LOG;
          case "off" -> RunMonitor.Progress.OFF;
          default ->
              throw new CliException(
                  "--progress " + progress + ": expected auto, line, log or off");
        };
    if (!(progressEvery > 0)) {
      throw new CliException("--progress-every " + progressEvery + ": expected seconds above 0");
    }
    if (choice.kind() != RunnerChoice.Kind.DIRECT
        && !"auto".equals(progress)
        && mode != RunMonitor.Progress.OFF) {
      throw new CliException(
          "--progress "
              + progress
              + " needs --runner direct: follow a "
              + choice.kind().cliName()
              + " run in the runner's own UI");
    }
    return mode;
  }

  /**
   * Whether this process's stderr (where progress goes) is a terminal: on Linux what fd 2 points
   * at; elsewhere, whether the JVM has a console (stdin and stdout on a terminal).
   */
  static boolean stderrIsTerminal() {
    try {
      Path fd = Path.of("/proc/self/fd/2");
      if (Files.isSymbolicLink(fd)) {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: fall back to the console
    }
    return System.console() != null;
  }

  /** The Prometheus endpoint of --metrics-port, or null; a port that cannot be bound is exit 2. */
  private MetricsEndpoint metricsEndpoint(
      LiveMetrics live, String runId, RunnerChoice choice, long t0, PrintWriter out) {
    if (metricsPort == null) {
      if (metricsLinger != 0) {
        throw new CliException("--metrics-linger needs --metrics-port");
      }
      return null;
    }
    if (!(metricsLinger >= 0)) {
      throw new CliException("--metrics-linger " + metricsLinger + ": expected seconds >= 0");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new CliException("--metrics-port " + metricsPort + ": expected 0..65535");
    }
    try {
      MetricsEndpoint endpoint =
          MetricsEndpoint.start(
              metricsHost, metricsPort, live, live::finished, runId, choice.describe(), t0);
      out.println(
          "Metrics at http://"
              + metricsHost
              + ":"
              + endpoint.port()
              + "/metrics while the run lasts");
      out.flush();
      return endpoint;
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          "--metrics-port "
              + metricsPort
              + ": cannot listen on "
              + metricsHost
              + ":"
              + metricsPort
              + " ("
              + e.getMessage()
              + ")");
    }
  }

  private static void closeQuietly(MetricsEndpoint endpoint) {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  /** The metrics of a pipeline that failed, as far as its runner still gives them. */
  private static MetricsSnapshot snapshotOrEmpty(LiveMetrics live) {
    try {
      return live.get();
    } catch (RuntimeException e) {
      return MetricsSnapshot.EMPTY;
    }
  }

  /**
   * Writes {@code runs/<run-id>.json} and the HTML report {@code runs/<run-id>.html} beside the
   * run's directory and says where.
   */
  private static void writeReport(Path runDir, RunReport report, PrintWriter out) {
    Path json = runDir.resolveSibling(report.runId() + ".json");
    report.write(json);
    Path html = runDir.resolveSibling(report.runId() + ".html");
    HtmlReport.write(report, html);
    out.println("Run report: " + html + " (figures: " + json.getFileName() + ")");
  }

  private void linger() {
    try {
      Thread.sleep(Math.round(metricsLinger * 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String jobId(PipelineResult result) {
    return result instanceof DataflowPipelineJob job
        ? "Dataflow job " + job.getJobId() + " (project " + job.getProjectId() + ")"
        : "the job";
  }

  /** What this run covers, for the run history. */
  private String scopeDescription() {
    List<String> parts = new ArrayList<>();
    if (project != null) {
      parts.add("--project " + project);
    }
    if (sourceType != null) {
      parts.add("--source-type " + sourceType);
    }
    if (source != null) {
      parts.add("--source " + source);
    }
    if (force) {
      parts.add("--force");
    }
    return parts.isEmpty() ? "all sources" : String.join(" ", parts);
  }

  /**
   * Where the run's failures are written: the run directory when the workers are on this machine,
   * else under the pipeline's tempLocation (a location every worker can write to).
   */
  private static String failuresPrefix(
      RunnerChoice choice, Path runDir, String runId, PrintWriter out) {
    String local = runDir.resolve("failures").toString();
    if (choice.workersOnThisMachine()) {
      return local;
    }
    String temp = choice.pipelineOption("tempLocation");
    if (temp == null) {
      temp = choice.pipelineOption("gcpTempLocation");
    }
    if (temp == null) {
      out.println(
          "note: without --pipeline-option=--tempLocation=<shared location>, failures of"
              + " documents are written by the workers to "
              + local
              + ".jsonl on their own disks; their count is in the summary");
      return local;
    }
    return (temp.endsWith("/") ? temp : temp + "/") + "qdrant-loader/" + runId + "/failures";
  }

  /** The failures file the pipeline wrote (any Beam filesystem), sorted; empty when none. */
  private static List<Failure> readFailures(String file) {
    List<Failure> out = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(file);
      if (match.status() != MatchResult.Status.OK || match.metadata().isEmpty()) {
        return out;
      }
      try (BufferedReader reader =
          new BufferedReader(
              Channels.newReader(
                  FileSystems.open(match.metadata().get(0).resourceId()),
                  StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (!line.isBlank()) {
            out.add(IngestionPipeline.parseFailure(line));
          }
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
