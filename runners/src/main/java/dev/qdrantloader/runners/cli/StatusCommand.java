package dev.qdrantloader.runners.cli;

import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;

import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.RunHistory;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.ProjectConfig;
import dev.qdrantloader.runners.report.RunReport;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Common.Filter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Shows the collection, its points, and documents and points per project. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows the collection, its point count, documents per project, the manifest, the"
            + " latest runs (from the run history in Qdrant) and this workspace's latest run"
            + " reports.")
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
        printReports(config, out);
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
      if (QdrantCollections.exists(client, QdrantManifest.collectionFor(collection))) {
        out.println(
            "Manifest    `"
                + QdrantManifest.collectionFor(collection)
                + "`: "
                + QdrantManifest.documents(client, collection)
                + " documents");
        List<RunHistory.Run> runs = RunHistory.all(client, collection);
        out.println(
            "Runs        " + runs.size() + " recorded" + (runs.isEmpty() ? "" : ", latest:"));
        for (RunHistory.Run r : runs.subList(0, Math.min(runs.size(), 5))) {
          out.println("  " + describe(r));
        }
      }
    }
    printReports(config, out);
    return QdrantLoaderCli.OK;
  }

  /** A run report's file name: the run id (UTC start, to the millisecond) and .json. */
  static final java.util.regex.Pattern REPORT_NAME =
      java.util.regex.Pattern.compile("\\d{8}-\\d{6}-\\d{3}\\.json");

  /** Reports listed by {@code status}, newest first. */
  static final int REPORTS_LISTED = 5;

  /** The latest run reports of this workspace (this machine's runs), newest first. */
  static void printReports(IngestionConfig config, PrintWriter out) throws IOException {
    Path runs = Workspaces.stateDir(config.workspace()).resolve("runs");
    List<Path> reports = new ArrayList<>();
    if (Files.isDirectory(runs)) {
      try (Stream<Path> files = Files.list(runs)) {
        files
            .filter(
                p ->
                    Files.isRegularFile(p)
                        && REPORT_NAME.matcher(p.getFileName().toString()).matches())
            .sorted(Comparator.reverseOrder())
            .forEach(reports::add);
      }
    }
    if (reports.isEmpty()) {
      out.println("Reports     none yet under " + runs);
      return;
    }
    out.println(
        "Reports     "
            + reports.size()
            + " under "
            + runs
            + (reports.size() > REPORTS_LISTED ? ", latest " + REPORTS_LISTED + ":" : ":"));
    for (Path file : reports.subList(0, Math.min(reports.size(), REPORTS_LISTED))) {
      out.println("  " + describe(file));
    }
  }

  /** One line per run report: id, status, time, documents, chunks, points and the HTML report. */
  static String describe(Path reportFile) {
    RunReport r;
    try {
      r = RunReport.read(reportFile);
    } catch (RuntimeException e) {
      return reportFile.getFileName() + "  (unreadable: " + e.getMessage() + ")";
    }
    Map<String, Long> t = r.totals() == null ? Map.of() : r.totals();
    String html = reportFile.getFileName().toString().replaceAll("\\.json$", ".html");
    return String.format(
        Locale.ROOT,
        "%s  %-16s %7.1f s  %d listed: %d new, %d changed, %d unchanged, %d deleted, %d failed;"
            + " %d chunks, %d points written  [%s]%s",
        r.runId(),
        r.status(),
        r.seconds(),
        t.getOrDefault("documents_listed", 0L),
        t.getOrDefault("new", 0L),
        t.getOrDefault("changed", 0L),
        t.getOrDefault("unchanged", 0L),
        t.getOrDefault("deleted", 0L),
        t.getOrDefault("failed_documents", 0L),
        t.getOrDefault("chunks", 0L),
        t.getOrDefault("points_written", 0L),
        r.scope(),
        Files.exists(reportFile.resolveSibling(html)) ? "  " + html : "");
  }

  /** One line per run: when, how long, status, scope and what it did. */
  static String describe(RunHistory.Run r) {
    StringBuilder b = new StringBuilder();
    b.append(r.startedAt()).append("  ").append(r.status());
    if (!r.endedAt().isEmpty()) {
      try {
        double secs =
            java.time.Duration.between(
                        java.time.Instant.parse(r.startedAt()),
                        java.time.Instant.parse(r.endedAt()))
                    .toMillis()
                / 1000.0;
        b.append(String.format(java.util.Locale.ROOT, " in %.1f s", secs));
      } catch (java.time.format.DateTimeParseException e) {
        b.append(" (end ").append(r.endedAt()).append(')');
      }
    }
    b.append("  [").append(r.scope()).append(']');
    Map<String, Long> c = r.counts();
    if (!c.isEmpty()) {
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "  new %d, changed %d, unchanged %d, deleted %d, failed %d; embedded %d, reused %d",
              c.getOrDefault("new", 0L),
              c.getOrDefault("changed", 0L),
              c.getOrDefault("unchanged", 0L),
              c.getOrDefault("deleted", 0L),
              c.getOrDefault("failed", 0L),
              c.getOrDefault("embeddings_computed", 0L),
              c.getOrDefault("embeddings_reused", 0L)));
    }
    return b.toString();
  }
}
