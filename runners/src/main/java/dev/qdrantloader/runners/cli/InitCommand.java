package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Creates the collection and its payload indexes (and a starter config.yaml when missing). */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Creates the collection (vector size from the embedding model, cosine) and its payload"
          + " indexes.",
      "In a workspace without config.yaml, first writes a starter one that reads ./docs."
    })
final class InitCommand implements Callable<Integer> {
  static final String STARTER_CONFIG =
      "# qdrant-loader workspace. Every key is described in the README, \"Configuration\".\n"
          + "global:\n"
          + "  qdrant:\n"
          + "    # url: http://localhost:6334   # a real Qdrant (gRPC); unset = local mode\n"
          + "    collection_name: documents\n"
          + "sources:\n"
          + "  localfile:\n"
          + "    docs:\n"
          + "      base_url: docs\n";

  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Option(
      names = "--force",
      description =
          "Delete the collection (all its points) and its manifest and run history first, then"
              + " create them anew.")
  boolean force;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path ws = parent.workspaceDir();
    Path configFile = ws.resolve("config.yaml");
    if (!Files.exists(configFile)) {
      try {
        Files.createDirectories(ws.resolve("docs"));
        Files.writeString(configFile, STARTER_CONFIG, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + configFile, e);
      }
      out.println(
          "Wrote a starter " + configFile + " (put documents in " + ws.resolve("docs") + ")");
    }
    IngestionConfig config = parent.loadConfig();
    EmbeddingPlan embedding = Probe.embedding(config, out);
    String collection = config.qdrant().collectionName();
    try (QdrantTarget target = QdrantTarget.open(config)) {
      if (force && QdrantCollections.exists(target.client(), collection)) {
        QdrantCollections.drop(target.client(), collection);
        out.println("Deleted collection `" + collection + "`");
      }
      String manifest = QdrantManifest.collectionFor(collection);
      if (force && QdrantCollections.exists(target.client(), manifest)) {
        QdrantManifest.drop(target.client(), collection);
        out.println("Deleted its manifest and run history `" + manifest + "`");
      }
      boolean created =
          QdrantCollections.ensure(
              target.client(), collection, embedding.vectorSize(), embedding.id());
      QdrantManifest.ensure(target.client(), collection);
      out.println(
          (created ? "Created" : "Collection already exists:")
              + " `"
              + collection
              + "` ("
              + embedding.vectorSize()
              + "-d cosine vectors for "
              + embedding.id()
              + "; "
              + target.description()
              + ")");
    }
    return QdrantLoaderCli.OK;
  }
}
