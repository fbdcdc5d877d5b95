package dev.qdrantloader.pipelines.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a workspace: a directory with {@code config.yaml} and an optional {@code .env}. The YAML
 * follows the Python qdrant-loader's shape ({@code global} plus {@code projects}, or a top-level
 * {@code sources} for a single project called {@code default}). {@code ${VAR}} in any value comes
 * from the environment first, then from {@code .env}; {@code $${} writes a literal {@code ${}.
 * Every problem found is reported in one {@link ConfigException}, with its line and key path.
 */
public final class WorkspaceConfig {
  /** The configuration file inside a workspace. */
  public static final String CONFIG_FILE = "config.yaml";

  /** The optional variables file inside a workspace. */
  public static final String ENV_FILE = ".env";

  private WorkspaceConfig() {}

  /** Loads {@code workspace/config.yaml}, taking variables from the process environment. */
  public static IngestionConfig load(Path workspace) {
    return load(workspace, System.getenv());
  }

  /**
   * Loads {@code workspace/config.yaml}, taking variables from {@code env} (in place of the process
   * environment), then from {@code workspace/.env}.
   *
   * @throws ConfigException when the file is missing, is not valid YAML or has bad values
   */
  public static IngestionConfig load(Path workspace, Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    Path dir = workspace.toAbsolutePath().normalize();
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(
          file,
          "the workspace "
              + dir
              + " is not a directory; create it with `qdrant-loader --workspace "
              + workspace
              + " init`");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          file,
          "not found; create one with `qdrant-loader --workspace "
              + workspace
              + " init`, or point the workspace at a directory that has a "
              + CONFIG_FILE);
    }
    Path envFile = dir.resolve(ENV_FILE);
    Map<String, String> dotEnv = DotEnv.read(envFile);
    Problems problems = new Problems(file);
    YamlSection.Context context =
        new YamlSection.Context(
            problems,
            name -> env.containsKey(name) ? env.get(name) : dotEnv.get(name),
            "set it in the environment or in " + envFile);
    YamlSection root = YamlSection.root(compose(file), context, ConfigParser.ROOT_KEYS);
    IngestionConfig config = new ConfigParser(dir).parse(root);
    problems.throwIfAny();
    return config;
  }

  /** The YAML as nodes, which keep their line numbers; null for an empty file. */
  private static Node compose(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(50);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      throw new ConfigException(file, List.of(syntaxProblem(e)), e);
    } catch (YAMLException e) {
      throw new ConfigException(file, List.of(new Problem(0, 0, "not valid YAML: " + e)), e);
    } catch (IOException e) {
      // Bad UTF-8 arrives here too, as a CharacterCodingException.
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  private static Problem syntaxProblem(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    StringBuilder text =
        new StringBuilder(e.getProblem() == null ? "invalid YAML" : e.getProblem());
    if (e.getContext() != null && e.getContextMark() != null) {
      text.append(" (")
          .append(e.getContext())
          .append(" at line ")
          .append(e.getContextMark().getLine() + 1)
          .append(")");
    }
    if (mark == null) {
      return new Problem(0, 0, text.toString());
    }
    String snippet = mark.get_snippet();
    // The offending line helps, unless it may hold a secret.
    if (snippet != null && !snippet.isBlank() && !ConfigPrinter.isSecretKey(snippet)) {
      text.append('\n').append(snippet);
    }
    return new Problem(mark.getLine() + 1, mark.getColumn() + 1, text.toString());
  }
}
