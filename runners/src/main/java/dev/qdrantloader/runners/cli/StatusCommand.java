package dev.qdrantloader.runners.cli;

import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;

import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.ProjectConfig;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Common.Filter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Shows the collection, its points, and documents and points per project. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Shows the collection, its point count, and documents per project.")
final class StatusCommand implements Callable<Integer> {
  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    IngestionConfig config = parent.loadConfig();
    String collection = config.qdrant().collectionName();
    try (QdrantTarget target = QdrantTarget.open(config)) {
      QdrantClient client = target.client();
      out.println("Qdrant      " + target.description());
      if (!QdrantCollections.exists(client, collection)) {
        out.println(
            "Collection  `" + collection + "` does not exist yet (run `qdrant-loader ingest`)");
        return QdrantLoaderCli.OK;
      }
      long points = client.countAsync(collection).get(1, TimeUnit.MINUTES);
      out.println("Collection  `" + collection + "`: " + points + " points");
      out.printf("%-24s %10s %10s%n", "project", "documents", "points");
      for (ProjectConfig p : config.projects()) {
        Filter project =
            Filter.newBuilder().addMust(matchKeyword(PointPayloads.PROJECT_ID, p.id())).build();
        // Every document has exactly one chunk 0, so counting those counts documents.
        Filter firstChunks =
            project.toBuilder().addMust(match(PointPayloads.CHUNK_INDEX, 0)).build();
        long projectPoints = client.countAsync(collection, project, true).get(1, TimeUnit.MINUTES);
        long documents = client.countAsync(collection, firstChunks, true).get(1, TimeUnit.MINUTES);
        out.printf("%-24s %10d %10d%n", p.id(), documents, projectPoints);
      }
    }
    return QdrantLoaderCli.OK;
  }
}
