package dev.qdrantloader.runners.cli;

import dev.qdrantloader.pipelines.config.ConfigPrinter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Prints the effective configuration with secrets masked. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Prints the effective configuration (defaults filled in, secrets masked).")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(ConfigPrinter.toYaml(parent.loadConfig()));
    return QdrantLoaderCli.OK;
  }
}
