package dev.qdrantloader.runners.dataflow;

import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import dev.qdrantloader.runners.cli.QdrantLoaderCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Entry point of the Dataflow flex template: {@code ingest --runner dataflow} on a workspace kept
 * on a Beam filesystem (gs://). It copies the workspace's {@code config.yaml} (and {@code .env}
 * when present) into a private local directory, then runs the CLI's {@code ingest} there with the
 * template's filters; every other argument (project, region, tempLocation, stagingLocation,
 * templateLocation, experiments...) reaches the runner unchanged as a {@code --pipeline-option}.
 */
public final class DataflowTemplate {
  private DataflowTemplate() {}

  public static void main(String[] args) {
    // The launcher's log keeps Beam's submission notes; one line per translated step is noise.
    System.setProperty(
        "org.slf4j.simpleLogger.log.org.apache.beam.runners.dataflow.DataflowPipelineTranslator",
        "warn");
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }

  /** Runs the template and returns the CLI's exit status (tests call this instead of main). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    IngestTemplateOptions options;
    try {
      options =
          PipelineOptionsFactory.fromArgs(args).withValidation().as(IngestTemplateOptions.class);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return QdrantLoaderCli.USAGE;
    }
    FileSystems.setDefaultPipelineOptions(options);
    Path local;
    try {
      local = Files.createTempDirectory("qdrant-loader-workspace");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a local directory for the workspace", e);
    }
    try {
      try {
        copyWorkspace(options.getWorkspace(), local);
      } catch (IllegalArgumentException | IOException e) {
        err.println("error: --workspace=" + options.getWorkspace() + ": " + e.getMessage());
        err.flush();
        return QdrantLoaderCli.USAGE;
      }
      return QdrantLoaderCli.run(cliArgs(options, local, args), out, err);
    } finally {
      deleteRecursively(local); // .env holds secrets: keep no copy behind
    }
  }

  /** The CLI's arguments: ingest on {@code local} with the filters, then every runner option. */
  static String[] cliArgs(IngestTemplateOptions options, Path local, String[] args) {
    List<String> cli = new ArrayList<>();
    cli.add("--workspace");
    cli.add(local.toString());
    cli.add("ingest");
    cli.add("--runner");
    cli.add("dataflow");
    // A flex template's launcher submits the job and exits; it must not wait for the job's end.
    cli.add("--no-wait");
    if (options.getOnlyProject() != null) {
      cli.add("--project=" + options.getOnlyProject());
    }
    if (options.getSourceType() != null) {
      cli.add("--source-type=" + options.getSourceType());
    }
    if (options.getSource() != null) {
      cli.add("--source=" + options.getSource());
    }
    if (options.getForce()) {
      cli.add("--force");
    }
    for (String a : runnerArgs(args)) {
      cli.add("--pipeline-option=" + a);
    }
    return cli.toArray(String[]::new);
  }

  /**
   * The arguments that are not the template's own, in order. A bare {@code --flag} becomes {@code
   * --flag=true}, which is what Beam reads it as.
   */
  static List<String> runnerArgs(String[] args) {
    Set<String> own = parameterNames();
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      String name = a.startsWith("--") ? a.substring(2) : a;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        name = name.substring(0, eq);
      }
      if (own.contains(name)) {
        continue;
      }
      rest.add(eq < 0 && a.startsWith("--") ? a + "=true" : a);
    }
    return rest;
  }

  /** The template's own parameter names: the properties {@link IngestTemplateOptions} declares. */
  public static Set<String> parameterNames() {
    Set<String> names = new TreeSet<>();
    for (Method m : IngestTemplateOptions.class.getDeclaredMethods()) {
      if (m.getName().startsWith("get") && m.getParameterCount() == 0) {
        String p = m.getName().substring(3);
        names.add(p.substring(0, 1).toLowerCase(Locale.ROOT) + p.substring(1));
      }
    }
    return names;
  }

  /** Copies {@code workspace}'s config.yaml (required) and .env (optional) into {@code local}. */
  static void copyWorkspace(String workspace, Path local) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(workspace, true);
    ResourceId config =
        dir.resolve(WorkspaceConfig.CONFIG_FILE, StandardResolveOptions.RESOLVE_FILE);
    if (!copyIfExists(config, local.resolve(WorkspaceConfig.CONFIG_FILE))) {
      throw new IOException(
          "no "
              + WorkspaceConfig.CONFIG_FILE
              + " in the workspace (looked for "
              + config
              + "); the workspace parameter must name the directory that holds it");
    }
    copyIfExists(
        dir.resolve(WorkspaceConfig.ENV_FILE, StandardResolveOptions.RESOLVE_FILE),
        local.resolve(WorkspaceConfig.ENV_FILE));
  }

  private static boolean copyIfExists(ResourceId from, Path to) throws IOException {
    MatchResult match = FileSystems.match(List.of(from.toString())).get(0);
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return false;
    }
    if (match.status() != MatchResult.Status.OK) {
      throw new IOException("cannot read " + from + " (" + match.status() + ")");
    }
    try (InputStream in = Channels.newInputStream(FileSystems.open(from))) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
    return true;
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory of a process about to exit
    }
  }
}
