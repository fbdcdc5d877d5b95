package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.config.ConfigException;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code qdrant-loader}: loads a workspace's documents into Qdrant. Exit status 0 on success, 1
 * when the run finished but some documents failed, 2 for usage or configuration errors.
 */
@Command(
    name = "qdrant-loader",
    mixinStandardHelpOptions = true,
    versionProvider = QdrantLoaderCli.Version.class,
    description = "Loads documents into Qdrant and keeps the collection in step with its sources.",
    subcommands = {
      InitCommand.class,
      IngestCommand.class,
      ConfigCommand.class,
      StatusCommand.class,
      SearchCommand.class,
      LocalQdrantCommand.class,
      CommandLine.HelpCommand.class
    })
public final class QdrantLoaderCli implements Callable<Integer> {
  public static final int OK = 0;
  public static final int FAILED_DOCUMENTS = 1;
  public static final int USAGE = 2;

  @Option(
      names = "--workspace",
      scope = ScopeType.INHERIT,
      paramLabel = "DIR",
      description =
          "Workspace directory holding config.yaml and .env (default: current directory).")
  Path workspace = Paths.get(".");

  @Option(
      names = "--log-level",
      scope = ScopeType.INHERIT,
      paramLabel = "LEVEL",
      description = "trace, debug, info, warn (default) or error.")
  String logLevel = "warn";

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return OK;
  }

  Path workspaceDir() {
    return workspace.toAbsolutePath().normalize();
  }

  IngestionConfig loadConfig() {
    return WorkspaceConfig.load(workspaceDir());
  }

  private static io.grpc.Status.Code grpcCode(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.grpc.StatusRuntimeException) {
        return ((io.grpc.StatusRuntimeException) t).getStatus().getCode();
      }
    }
    return null;
  }

  /** Runs the CLI and returns the exit status (tests call this instead of {@link #main}). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new QdrantLoaderCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // --pipeline-option=--project=p: picocli would otherwise reject a value that looks like one of
    // our own options (ingest has --project and --source too).
    cli.setAllowOptionsAsOptionParameters(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException
              || e instanceof CliException
              || e instanceof dev.qdrantloader.transforms.embed.EmbeddingException
              || e instanceof QdrantCollections.CollectionMismatchException
              || e instanceof java.io.UncheckedIOException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return USAGE;
          }
          io.grpc.Status.Code code = grpcCode(e);
          if (code == io.grpc.Status.Code.UNAUTHENTICATED
              || code == io.grpc.Status.Code.PERMISSION_DENIED
              || code == io.grpc.Status.Code.UNAVAILABLE) {
            commandLine
                .getErr()
                .println(
                    "error: Qdrant refused or could not be reached ("
                        + code
                        + "): check global.qdrant.url and api_key");
            return USAGE;
          }
          throw e;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    configureLogging(args);
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }

  // Held so the level set on it is not lost when the logger would be garbage-collected.
  private static final java.util.logging.Logger GRPC_LOG =
      java.util.logging.Logger.getLogger("io.grpc");

  /** Sets the log level before any logger exists (slf4j-simple reads it once). */
  private static void configureLogging(String[] args) {
    String level = "warn";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-level") && i + 1 < args.length) {
        level = args[i + 1];
      } else if (args[i].startsWith("--log-level=")) {
        level = args[i].substring("--log-level=".length());
      }
    }
    level = level.toLowerCase(Locale.ROOT);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
    // Libraries are chatty (font fallbacks, GPU probes, sink temp files): their notes show only
    // when debug output is asked for.
    if (!level.equals("debug") && !level.equals("trace")) {
      for (String quiet :
          new String[] {
            "org.apache.beam",
            "org.apache.pdfbox",
            "org.apache.fontbox",
            "ai.djl",
            "org.apache.tika",
            "org.apache.poi",
            // "hostname resolves to a loopback address", "no native-hadoop library"
            "org.apache.spark.util.Utils",
            "org.apache.hadoop.util.NativeCodeLoader"
          }) {
        System.setProperty("org.slf4j.simpleLogger.log." + quiet, "error");
      }
      GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
    }
  }

  /** Prints the version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = QdrantLoaderCli.class.getPackage().getImplementationVersion();
      return new String[] {"qdrant-loader " + (v == null ? "(development build)" : v)};
    }
  }
}
