package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rerun scenario: {@code qdrant-loader ingest} again on an ingested workspace, each run in a
 * fresh JVM. First on the unchanged corpus, {@code --runs} times and once more under JFR (not among
 * the figures) for where the time goes: nothing may be converted, embedded or written. Then, run
 * after run, with 1% of the documents edited first (a different set each run, one paragraph each):
 * exactly those must come out CHANGED. A run whose counters say otherwise stops the scenario, since
 * it would measure something else.
 *
 * <p>It works on a copy of the corpus under the work directory, never on the corpus itself. The
 * ingested state it starts from is the cold scenario's last workspace (copied) when that ran in the
 * same invocation, else a cold ingest of its own (recorded as the targets' reference).
 */
final class RerunScenario {
  /** One document in this many is edited before each changed re-run. */
  static final int EDIT_ONE_IN = 100;

  static final String EDIT =
      "a sentence appended to one paragraph, the example description nearest the middle of the"
          + " page";

  private final PipelineBenchmarks bench;
  private final Path work;
  private final int runs;
  private final ObjectMapper json = new ObjectMapper();

  RerunScenario(PipelineBenchmarks bench, Path work, int runs) {
    this.bench = bench;
    this.work = work;
    this.runs = runs;
  }

  /**
   * @param coldWorkspace a workspace that ingested {@code corpus}, or null to ingest it here first
   */
  ObjectNode run(Path corpus, Path coldWorkspace) throws Exception {
    Path copy = work.resolve("rerun-corpus");
    PipelineBenchmarks.deleteTree(copy);
    PipelineBenchmarks.copyTree(corpus, copy);
    List<Path> documents = documents(copy);
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("no Markdown documents under " + corpus);
    }
    ObjectNode r = json.createObjectNode();
    r.put("documents", documents.size());
    Path ws = bench.workspace("rerun", copy);
    if (coldWorkspace != null) {
      // Documents are keyed by their path within the source, so the copy is what was ingested.
      PipelineBenchmarks.copyTree(
          coldWorkspace.resolve(".qdrant-loader"), ws.resolve(".qdrant-loader"));
      r.put("ingested_state", "the cold scenario's workspace " + coldWorkspace.getFileName());
    } else {
      r.put("ingested_state", "a cold ingest of its own (the cold scenario was not run)");
      r.set("cold_ingest", bench.ingest("rerun-cold", ws, false));
    }

    ArrayNode unchanged = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      unchanged.add(unchanged(ws, "rerun-unchanged-" + i, false, documents.size()));
    }
    ObjectNode u = r.putObject("unchanged");
    u.set("runs", unchanged);
    u.set("profiled_run", unchanged(ws, "rerun-unchanged-jfr", true, documents.size()));

    ArrayNode changed = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      String name = "rerun-changed-" + i;
      List<Path> edited = pick(documents, i);
      for (Path d : edited) {
        Path file = copy.resolve(d.toString());
        Files.writeString(
            file,
            appendToMiddleParagraph(
                Files.readString(file, StandardCharsets.UTF_8),
                "This example was revised before benchmark re-run " + i + "."),
            StandardCharsets.UTF_8);
      }
      System.out.println("[" + name + "] edited " + edited.size() + " documents: " + EDIT);
      ObjectNode c = bench.ingest(name, ws, false);
      c.put("documents_edited", edited.size());
      Map<String, Long> expected = new LinkedHashMap<>();
      expected.put("DiffDocuments.documents_changed", (long) edited.size());
      expected.put("DiffDocuments.documents_unchanged", (long) documents.size() - edited.size());
      expected.put("DiffDocuments.documents_new", 0L);
      expected.put("DiffDocuments.documents_deleted", 0L);
      expected.put("ConvertDocuments.documents_converted", (long) edited.size());
      check(c, name, expected);
      changed.add(c);
    }
    ObjectNode ch = r.putObject("changed");
    ch.put("edit", EDIT);
    ch.set("runs", changed);
    return r;
  }

  private ObjectNode unchanged(Path ws, String name, boolean profile, int documents)
      throws Exception {
    ObjectNode u = bench.ingest(name, ws, profile);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("DiffDocuments.documents_unchanged", (long) documents);
    expected.put("DiffDocuments.documents_new", 0L);
    expected.put("DiffDocuments.documents_changed", 0L);
    expected.put("DiffDocuments.documents_deleted", 0L);
    expected.put("ConvertDocuments.documents_converted", 0L);
    expected.put("EmbedChunks.embeddings_computed", 0L);
    expected.put("EmbedChunks.embedding_calls", 0L);
    expected.put("QdrantIO.points_upserted", 0L);
    check(u, name, expected);
    return u;
  }

  /** Fails loudly when a run's counters (absent = 0) are not what the scenario is meant to be. */
  private void check(ObjectNode run, String name, Map<String, Long> expected) {
    List<String> wrong = new ArrayList<>();
    expected.forEach(
        (counter, value) -> {
          long got = run.path("counters").path(counter).asLong(0);
          if (got != value) {
            wrong.add(counter + " = " + got + " (expected " + value + ")");
          }
        });
    if (run.path("failed_documents").asLong() != 0) {
      wrong.add("failed_documents = " + run.path("failed_documents").asLong() + " (expected 0)");
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException(
          name
              + " does not measure what it should: "
              + String.join(", ", wrong)
              + "; all counters: "
              + run.path("counters")
              + "; log: "
              + work.resolve(name + ".log"));
    }
  }

  /** The documents the workspace ingests ({@code *.md} except LICENSE.md), sorted by path. */
  static List<Path> documents(Path corpus) throws IOException {
    PathMatcher markdown = PeerIngest.fileMatcher(corpus, null);
    try (Stream<Path> walk = Files.walk(corpus)) {
      return walk.filter(Files::isRegularFile)
          .map(corpus::relativize)
          .filter(markdown::matches)
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    }
  }

  /**
   * The documents edited before changed re-run {@code run} (from 1): one in {@link #EDIT_ONE_IN} by
   * sorted path, evenly spaced, starting one further along each run.
   */
  static List<Path> pick(List<Path> documents, int run) {
    int count = Math.max(1, documents.size() / EDIT_ONE_IN);
    int stride = documents.size() / count;
    int offset = (run - 1) % stride;
    List<Path> out = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      out.add(documents.get(offset + k * stride));
    }
    return out;
  }

  /**
   * {@code page} with {@code sentence} appended to one paragraph: of the paragraphs that are list
   * items (in a tldr page, the descriptions of the examples) the one nearest the middle of the
   * page, else the middle paragraph. The rest of the page is left as it was, so a chunker that cuts
   * at paragraphs keeps the other chunks' texts.
   */
  static String appendToMiddleParagraph(String page, String sentence) {
    List<int[]> paragraphs = paragraphs(page);
    if (paragraphs.isEmpty()) {
      throw new IllegalArgumentException("a blank page has no paragraph to edit");
    }
    int middle = (paragraphs.size() - 1) / 2;
    int chosen = -1;
    for (int i = 0; i < paragraphs.size(); i++) {
      if (page.startsWith("- ", paragraphs.get(i)[0])
          && (chosen < 0 || Math.abs(i - middle) < Math.abs(chosen - middle))) {
        chosen = i;
      }
    }
    int end = paragraphs.get(chosen < 0 ? middle : chosen)[1];
    return page.substring(0, end) + " " + sentence + page.substring(end);
  }

  /** {@code [start, end)} of each run of non-blank lines, the end before its last line break. */
  private static List<int[]> paragraphs(String page) {
    List<int[]> out = new ArrayList<>();
    int start = -1;
    int end = -1;
    int pos = 0;
    while (pos < page.length()) {
      int newline = page.indexOf('\n', pos);
      int lineEnd = newline < 0 ? page.length() : newline;
      int contentEnd = lineEnd > pos && page.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
      if (page.substring(pos, contentEnd).isBlank()) {
        if (start >= 0) {
          out.add(new int[] {start, end});
          start = -1;
        }
      } else {
        if (start < 0) {
          start = pos;
        }
        end = contentEnd;
      }
      pos = lineEnd + 1;
    }
    if (start >= 0) {
      out.add(new int[] {start, end});
    }
    return out;
  }
}
