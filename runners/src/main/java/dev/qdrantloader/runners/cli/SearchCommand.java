package dev.qdrantloader.runners.cli;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.QueryFactory.nearest;

import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Embeds a query with the workspace's model and prints the nearest chunks. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Searches the collection: score, title, path and a snippet of each hit.")
final class SearchCommand implements Callable<Integer> {
  @ParentCommand QdrantLoaderCli parent;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "QUERY", arity = "1..*", description = "What to look for.")
  List<String> query;

  @Option(names = "--limit", paramLabel = "N", description = "Number of hits (default 5).")
  int limit = 5;

  @Option(names = "--project", paramLabel = "ID", description = "Only this project.")
  String project;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (limit < 1 || limit > 1000) {
      throw new CliException("--limit must be between 1 and 1000, got " + limit);
    }
    IngestionConfig config = parent.loadConfig();
    EmbeddingPlan embedding = EmbeddingPlan.of(config);
    String text = String.join(" ", query);
    int tokens = embedding.tokens().create().countTokens(text);
    if (tokens > embedding.window()) {
      out.printf(
          Locale.ROOT,
          "note: the query has %d tokens; %s reads only the first %d%n",
          tokens,
          embedding.id(),
          embedding.window());
    }
    float[] vector = embedding.embedder().create().embed(List.of(text)).get(0);
    String collection = config.qdrant().collectionName();
    try (QdrantTarget target = QdrantTarget.open(config)) {
      if (!QdrantCollections.exists(target.client(), collection)) {
        throw new CliException(
            "collection `" + collection + "` does not exist yet; run `qdrant-loader ingest` first");
      }
      QueryPoints.Builder q =
          QueryPoints.newBuilder()
              .setCollectionName(collection)
              .setQuery(nearest(vector))
              .setLimit(limit)
              .setWithPayload(WithPayloadSelector.newBuilder().setEnable(true));
      if (project != null) {
        q.setFilter(Filter.newBuilder().addMust(matchKeyword(PointPayloads.PROJECT_ID, project)));
      }
      List<ScoredPoint> hits = target.client().queryAsync(q.build()).get(1, TimeUnit.MINUTES);
      if (hits.isEmpty()) {
        out.println("No results.");
      }
      int rank = 1;
      for (ScoredPoint hit : hits) {
        Map<String, Value> p = hit.getPayloadMap();
        out.printf(
            Locale.ROOT,
            "%d. %.3f  %s  (%s)%n",
            rank++,
            hit.getScore(),
            str(p, PointPayloads.TITLE),
            str(p, PointPayloads.PATH));
        out.println("   " + snippet(str(p, PointPayloads.CONTENT)));
      }
    }
    return QdrantLoaderCli.OK;
  }

  private static String str(Map<String, Value> payload, String key) {
    Value v = payload.get(key);
    return v == null ? "" : v.getStringValue();
  }

  static String snippet(String content) {
    String s = content.replaceAll("\\s+", " ").trim();
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }
}
