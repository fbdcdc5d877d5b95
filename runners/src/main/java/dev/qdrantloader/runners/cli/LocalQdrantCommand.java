package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Runs the embedded Qdrant-compatible server in the foreground. */
@Command(
    name = "local-qdrant",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the embedded Qdrant-compatible server (gRPC) until stopped (Ctrl-C).",
      "Any Qdrant client can use it; it is meant for tests, first runs and small corpora."
    })
final class LocalQdrantCommand implements Callable<Integer> {
  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Option(names = "--host", description = "Address to bind (default 127.0.0.1).")
  String host = "127.0.0.1";

  @Option(names = "--port", description = "gRPC port (default 6334; 0 = any free port).")
  int port = 6334;

  @Option(
      names = "--path",
      paramLabel = "DIR",
      description = "Data directory (default <workspace>/.qdrant-loader/qdrant).")
  Path path;

  @Override
  public Integer call() throws Exception {
    Path dir = path != null ? path : Workspaces.stateDir(parent.workspaceDir()).resolve("qdrant");
    LocalQdrantServer server;
    try {
      server = LocalQdrantServer.builder().host(host).port(port).dataDir(dir).start();
    } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
      throw new CliException(e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    spec.commandLine()
        .getOut()
        .println(
            "Local Qdrant (gRPC) listening on "
                + server.host()
                + ":"
                + server.port()
                + ", data "
                + dir.toAbsolutePath());
    spec.commandLine().getOut().flush();
    stopped.await();
    return QdrantLoaderCli.OK;
  }
}
