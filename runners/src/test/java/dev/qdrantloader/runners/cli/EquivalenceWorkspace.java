package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One small workspace for comparing runners: the quickstart's Markdown and Python documents plus
 * generated Markdown pages (about 30 files, 100 chunks), written with modification times that
 * depend only on path and content, so copies in different directories have equal payloads. State B
 * edits two files, deletes two and adds one.
 */
final class EquivalenceWorkspace {
  static final String COLLECTION = "equivalence";
  private static final Path QUICKSTART = Paths.get("..", "examples", "quickstart", "docs");
  private static final String[] WORDS =
      ("pipeline runner bundle executor driver shuffle partition worker cluster master batch"
              + " window key value vector point payload chunk document manifest collection"
              + " embedding model token request retry commit delete sweep orphan snapshot")
          .split(" ");

  private EquivalenceWorkspace() {}

  /** State A: the quickstart's text documents and 24 generated pages. */
  static Map<String, String> stateA() throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (String name :
        List.of(
            "getting-started.md",
            "chunking-documents.md",
            "vector-search-basics.md",
            "similarity_search.py")) {
      files.put(
          "quickstart/" + name, Files.readString(QUICKSTART.resolve(name), StandardCharsets.UTF_8));
    }
    Random r = new Random(20261122L);
    for (int i = 0; i < 24; i++) {
      files.put(String.format("pages/%s/page-%02d.md", i % 3 == 0 ? "ops" : "dev", i), page(r, i));
    }
    return files;
  }

  /** State B: two pages edited (one grows, one shrinks), two deleted, one added. */
  static Map<String, String> stateB(Map<String, String> a) {
    Map<String, String> b = new TreeMap<>(a);
    Random r = new Random(7L);
    b.put(
        "pages/dev/page-01.md", a.get("pages/dev/page-01.md") + "\n## Added later\n\n" + words(r));
    String shrunk = a.get("pages/dev/page-02.md");
    b.put("pages/dev/page-02.md", shrunk.substring(0, shrunk.indexOf("\n## ")) + "\n");
    b.remove("pages/ops/page-03.md");
    b.remove("quickstart/similarity_search.py");
    b.put("pages/new/page-99.md", page(r, 99));
    return b;
  }

  private static String page(Random r, int n) {
    StringBuilder s = new StringBuilder("# Page " + n + "\n\n" + words(r) + "\n");
    for (int section = 1; section <= 1 + n % 3; section++) {
      s.append("\n## Section ").append(n).append('.').append(section).append("\n\n");
      s.append(words(r)).append("\n\n").append(words(r)).append('\n');
    }
    return s.toString();
  }

  private static String words(Random r) {
    int n = 25 + r.nextInt(40);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(WORDS[r.nextInt(WORDS.length)]);
    }
    return String.join(" ", out) + ".";
  }

  /** A workspace at {@code dir} whose docs hold {@code files}. */
  static Path create(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(
        dir.resolve("config.yaml"),
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: "
            + COLLECTION
            + "\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: docs\n");
    sync(dir, files);
    return dir;
  }

  /**
   * Makes {@code <ws>/docs} hold exactly {@code files}; a file's modification time is a function of
   * its path and content.
   */
  static void sync(Path ws, Map<String, String> files) throws IOException {
    Path docs = ws.resolve("docs");
    try (Stream<Path> walk = Files.walk(docs)) {
      for (Path p : walk.filter(Files::isRegularFile).collect(Collectors.toList())) {
        if (!files.containsKey(docs.relativize(p).toString())) {
          Files.delete(p);
        }
      }
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = docs.resolve(f.getKey());
      if (Files.exists(p) && Files.readString(p).equals(f.getValue())) {
        continue;
      }
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      long seconds =
          1_700_000_000L + Math.floorMod((f.getKey() + f.getValue()).hashCode(), 1 << 24);
      Files.setLastModifiedTime(p, FileTime.fromMillis(seconds * 1000));
    }
  }

  /**
   * The figures of the workspace's latest run (its report) that must not depend on the runner:
   * documents read, chunks, points written and removed, failures and every outcome.
   */
  static Map<String, Object> lastSummary(Path ws) throws IOException {
    JsonNode json = new ObjectMapper().readTree(lastRun(ws).toFile());
    Map<String, Object> out = new LinkedHashMap<>();
    json.get("totals").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /** The Beam counters of the workspace's latest run, by "Step.name". */
  static Map<String, Long> lastCounters(Path ws) throws IOException {
    JsonNode json = new ObjectMapper().readTree(lastRun(ws).toFile());
    Map<String, Long> out = new TreeMap<>();
    json.get("counters").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /** The latest run report, {@code runs/<run-id>.json}. */
  static Path lastRun(Path ws) throws IOException {
    try (Stream<Path> runs = Files.list(ws.resolve(".qdrant-loader/runs"))) {
      return runs.filter(p -> p.getFileName().toString().endsWith(".json"))
          .max(Path::compareTo)
          .orElseThrow();
    }
  }

  /**
   * Asserts that a run on another runner did what the DirectRunner's run did: the same summary
   * figures, and counters that are not all zero (metrics reach the driver).
   */
  static void assertSameRun(Path direct, Path other, String where) throws IOException {
    Map<String, Object> expected = lastSummary(direct);
    assertEquals(expected, lastSummary(other), where + ": summary figures");
    if ((Long) expected.get("documents_read") > 0) {
      Map<String, Long> counters = lastCounters(other);
      assertEquals(
          lastCounters(direct).get("EmbedChunks.embedding_inputs"),
          counters.get("EmbedChunks.embedding_inputs"),
          where + ": embedding inputs");
      assertTrue(
          counters.getOrDefault("QdrantIO.points_upserted", 0L) > 0, where + ": " + counters);
    }
  }
}
