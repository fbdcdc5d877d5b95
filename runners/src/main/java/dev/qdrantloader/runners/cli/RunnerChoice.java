package dev.qdrantloader.runners.cli;

import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.LocalFileSourceConfig;
import dev.qdrantloader.pipelines.config.ProjectConfig;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.runners.dataflow.DataflowRunner;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.ApplicationNameOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Which Beam runner executes the pipeline, with its options: the DirectRunner in this JVM (the
 * default), Spark (local on every core, or a {@code spark://} / {@code yarn} / {@code k8s://}
 * master), or Dataflow. The pipeline is the same on all three; the runner decides only how listed
 * files are spread and how chunks are gathered into embedding requests.
 *
 * @param kind the runner
 * @param sparkMaster the Spark master ({@code --spark-master}); null: the one {@code spark-submit}
 *     set, else {@code local[N]} with N = cores
 * @param pipelineArgs further Beam pipeline options as {@code --name=value} (or {@code
 *     name=value}), passed to the runner unchanged (e.g. {@code --project=p --region=r
 *     --tempLocation=gs://b/t} for Dataflow)
 */
public record RunnerChoice(Kind kind, String sparkMaster, List<String> pipelineArgs) {
  /** The runners {@code --runner} accepts. */
  public enum Kind {
    DIRECT,
    SPARK,
    DATAFLOW;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown runner `" + name + "`: use direct, spark or dataflow");
    }
  }

  public RunnerChoice {
    if (kind != Kind.SPARK && sparkMaster != null) {
      throw new IllegalArgumentException("--spark-master needs --runner spark");
    }
    List<String> normalized = new ArrayList<>();
    for (String a : pipelineArgs) {
      String arg = a.startsWith("--") ? a : "--" + a;
      if (arg.indexOf('=') < 3) {
        throw new IllegalArgumentException(
            "pipeline option `" + a + "` must have the form --name=value (or name=value)");
      }
      normalized.add(arg);
    }
    pipelineArgs = List.copyOf(normalized);
  }

  public static RunnerChoice direct() {
    return new RunnerChoice(Kind.DIRECT, null, List.of());
  }

  /** The master Spark runs on: the given one, the one spark-submit set, or local on all cores. */
  public String effectiveSparkMaster() {
    if (sparkMaster != null) {
      return sparkMaster;
    }
    String submitted = System.getProperty("spark.master");
    return submitted != null ? submitted : "local[" + DirectRun.parallelism() + "]";
  }

  /**
   * Spark in this JVM (local[N]), where the workspace's files and local-mode Qdrant are at hand.
   */
  public boolean inThisJvm() {
    return kind == Kind.DIRECT
        || (kind == Kind.SPARK && effectiveSparkMaster().startsWith("local"));
  }

  /**
   * Worker threads of a run in this JVM: the DirectRunner's, or Spark local's ({@code local[N]},
   * {@code local[*]} for every core, {@code local} for one); 0 when the workers are elsewhere.
   */
  public int threadsInThisJvm() {
    if (kind == Kind.DIRECT) {
      return DirectRun.parallelism();
    }
    if (!inThisJvm()) {
      return 0;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?\\]")
            .matcher(effectiveSparkMaster());
    if (!m.matches()) {
      return 1; // "local"
    }
    return m.group(1).equals("*")
        ? Runtime.getRuntime().availableProcessors()
        : Integer.parseInt(m.group(1));
  }

  /**
   * The pipeline's workers run on this machine (DirectRunner, Spark local, a Spark master on
   * 127.0.0.1 / localhost): they see the workspace's files and its local-mode Qdrant.
   */
  public boolean workersOnThisMachine() {
    return kind == Kind.DIRECT || (kind == Kind.SPARK && onLoopback());
  }

  /** The value of a pipeline option given with --pipeline-option, or null. */
  public String pipelineOption(String name) {
    String value = null;
    for (String a : pipelineArgs) {
      if (a.startsWith("--" + name + "=")) {
        value = a.substring(name.length() + 3);
      }
    }
    return value;
  }

  /** Spark local, or a master on 127.0.0.1 / localhost. */
  private boolean onLoopback() {
    String m = effectiveSparkMaster();
    return m.startsWith("local")
        || m.startsWith("spark://127.0.0.1:")
        || m.startsWith("spark://localhost:");
  }

  /** For messages: "direct", "spark (local[2])", "dataflow". */
  public String describe() {
    return switch (kind) {
      case DIRECT -> "direct";
      case SPARK -> "spark (" + effectiveSparkMaster() + ")";
      case DATAFLOW -> "dataflow";
    };
  }

  /**
   * Refuses what this runner's workers could not do with the workspace: Dataflow workers reach
   * neither the embedded Qdrant of local mode nor files on this machine.
   */
  public void checkReachable(IngestionConfig config) {
    if (kind != Kind.DATAFLOW) {
      return;
    }
    if (config.qdrant().isLocal()) {
      throw new CliException(
          "--runner dataflow: Dataflow workers cannot reach the embedded Qdrant of local mode; set"
              + " global.qdrant.url to a Qdrant they can reach");
    }
    for (ProjectConfig p : config.projects()) {
      for (LocalFileSourceConfig s : p.localFileSources()) {
        if (!s.baseUrl().contains("://") || s.baseUrl().startsWith("file://")) {
          throw new CliException(
              "--runner dataflow: projects."
                  + p.id()
                  + ".sources.localfile."
                  + s.name()
                  + ".base_url is a path on this machine ("
                  + s.baseUrl()
                  + "), which Dataflow workers cannot read; use a gs:// location");
        }
      }
    }
  }

  /**
   * The job shaped for this runner. DirectRunner: see {@link DirectRun#tune}. Spark: one key per
   * listed file and embedding batches cut within bundles (the classic Spark runner has no
   * GroupIntoBatches). Dataflow: one key per file and GroupIntoBatches.
   */
  public IngestionJob tune(IngestionJob job) {
    return switch (kind) {
      case DIRECT -> DirectRun.tune(job);
      case SPARK -> job.withExecution(0, EmbedChunks.Batching.BUNDLE);
      case DATAFLOW -> job.withExecution(0, EmbedChunks.Batching.GROUP_INTO_BATCHES);
    };
  }

  /** The runner's pipeline options: ours, then {@link #pipelineArgs} over them. */
  public PipelineOptions options() {
    String[] args = pipelineArgs.toArray(String[]::new);
    PipelineOptions options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).create();
    } catch (IllegalArgumentException e) {
      throw new CliException("--pipeline-option: " + e.getMessage());
    }
    if (!given("appName")) {
      options.as(ApplicationNameOptions.class).setAppName("qdrant-loader");
    }
    switch (kind) {
      case DIRECT -> {
        DirectOptions direct = options.as(DirectOptions.class);
        direct.setRunner(DirectRunner.class);
        if (!given("targetParallelism")) {
          direct.setTargetParallelism(DirectRun.parallelism());
        }
        // Checks meant for tests: they copy and re-encode every element.
        if (!given("enforceImmutability")) {
          direct.setEnforceImmutability(false);
        }
        if (!given("enforceEncodability")) {
          direct.setEnforceEncodability(false);
        }
        direct.setBlockOnRun(true);
        return direct;
      }
      case SPARK -> {
        SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
        spark.setRunner(SparkRunner.class);
        spark.setSparkMaster(effectiveSparkMaster());
        if (onLoopback() && System.getenv("SPARK_LOCAL_IP") == null) {
          // Spark would bind to the external interface; a master on this machine needs none.
          System.setProperty("spark.driver.host", "127.0.0.1");
          System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!given("enableSparkMetricSinks")) {
          spark.setEnableSparkMetricSinks(false);
        }
        if (!inThisJvm() && !given("filesToStage")) {
          // Executors need our classes: the jar this runs from, not the whole classpath.
          spark.setFilesToStage(List.of(ownJar()));
        }
        return spark;
      }
      case DATAFLOW -> {
        DataflowPipelineOptions dataflow = options.as(DataflowPipelineOptions.class);
        dataflow.setRunner(DataflowRunner.class);
        List<String> missing = new ArrayList<>();
        // Asked of the arguments, not of the options: their defaults call gcloud or create a
        // bucket.
        if (!given("project")) {
          missing.add("--project=<GCP project>");
        }
        if (!given("region")) {
          missing.add("--region=<region, e.g. europe-west1>");
        }
        if (!given("tempLocation") && !given("gcpTempLocation")) {
          missing.add("--tempLocation=gs://<bucket>/<path>");
        }
        // In a flex template's launcher the service passes them, or Beam finds them on the VM.
        boolean flexLauncher = System.getenv("FLEX_TEMPLATE_JAVA_MAIN_CLASS") != null;
        if (!missing.isEmpty() && !flexLauncher) {
          throw new CliException(
              "--runner dataflow needs " + String.join(", ", missing) + " (as --pipeline-option)");
        }
        if (!given("jobName")) {
          dataflow.setJobName("qdrant-loader-" + System.currentTimeMillis());
        }
        if (!given("filesToStage")) {
          dataflow.setFilesToStage(List.of(ownJar()));
        }
        return dataflow;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** A pipeline on this runner. */
  public Pipeline create() {
    return Pipeline.create(options());
  }

  private boolean given(String name) {
    return pipelineOption(name) != null;
  }

  /**
   * The jar holding this class (runners/target/qdrant-loader.jar), staged to workers instead of the
   * whole classpath.
   */
  static String ownJar() {
    try {
      File f =
          new File(RunnerChoice.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!f.isFile()) {
        throw new CliException(
            "a cluster runner needs the qdrant-loader jar to send to its workers, but this runs"
                + " from "
                + f
                + "; run the jar (./qdrant-loader or java -jar runners/target/qdrant-loader.jar)"
                + " or pass --pipeline-option=--filesToStage=<jar>");
      }
      return f.getAbsolutePath();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
