package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.RunHistory;
import dev.qdrantloader.transforms.model.DocumentIds;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code ingest} child processes with SIGKILL at random moments and checks that the next run
 * brings the collection to exactly what one clean run of the same files gives: the same point ids,
 * payloads (but {@code ingested_at}), vectors and manifest entries; that no point is left outside
 * its document's manifest entry; and that the killed run is marked interrupted.
 *
 * <p>Two states of a 520-file Markdown corpus, A and B (B edits, deletes, adds and renames some
 * files), each get a reference from a clean run in a fresh workspace. The crash workspace starts
 * empty and alternates between A and B before every killed run, so each killed run has real work
 * (converting, embedding, reusing vectors, committing, deleting). A kill comes after a random share
 * of a child's run time, of the run's point writes or of its manifest commits (the local store's
 * logs grow with each write), so kills land in every phase. Now and then the re-run gets the files
 * the killed run started from, as when a user undoes an edit after a crash: what the killed run
 * wrote for them must not survive. The seed is printed; {@code -DcrashRecovery.seed=N} replays its
 * choices (scheduling still varies).
 */
class CrashRecoveryTest {
  private static final String COLLECTION = "crash";
  private static final int FILES = 520;
  private static final int KILLS = 10;
  private static final String MANIFEST = QdrantManifest.collectionFor(COLLECTION);

  @TempDir Path tmp;

  // ---------------------------------------------------------------------------------------------
  // The test

  @Test
  void aRunKilledAtAnyMomentIsRepairedByTheNextRunToTheCleanRunsCollection() throws Exception {
    long seed = Long.getLong("crashRecovery.seed", System.nanoTime());
    System.out.println("CrashRecoveryTest seed " + seed + " (-DcrashRecovery.seed=" + seed + ")");
    Random random = new Random(seed);
    Map<String, String> stateA = corpusA();
    Map<String, String> stateB = corpusB(stateA);

    // References: clean runs of A and B in fresh workspaces. What A's points and manifest entries
    // take in the store, and how long a child takes to bring A's workspace to B, size the kills.
    long t0 = System.nanoTime();
    Path refA = workspace("ref-a", stateA);
    Cli cleanA = cli(refA, "ingest");
    assertEquals(0, cleanA.code(), cleanA.out() + cleanA.err());
    CollectionSnapshot expectA = CollectionSnapshot.of(refA, COLLECTION);
    CollectionSnapshot.assertInvariants(expectA, "reference A");
    assertTrue(expectA.points().size() > FILES, "documents have several chunks");
    long pointBytes = storedBytes(refA, COLLECTION);
    long entryBytes = storedBytes(refA, MANIFEST);
    Path refB = workspace("ref-b", stateB);
    Cli cleanB = cli(refB, "ingest");
    assertEquals(0, cleanB.code(), cleanB.out() + cleanB.err());
    CollectionSnapshot expectB = CollectionSnapshot.of(refB, COLLECTION);
    CollectionSnapshot.assertInvariants(expectB, "reference B");
    assertNotEquals(expectA.points().keySet(), expectB.points().keySet());
    EquivalenceWorkspace.sync(refA, stateB);
    Timed toB = ingestInChild(refA, "ref-a-to-b");
    assertEquals(0, toB.exit(), toB.output());
    CollectionSnapshot.assertSame(
        expectB, CollectionSnapshot.of(refA, COLLECTION), "incremental A -> B without a crash");
    Sizing sizing =
        new Sizing(
            (double) pointBytes / expectA.points().size(),
            (double) entryBytes / expectA.entries().size(),
            toB.millis());
    System.out.printf(
        "references: A %d points, B %d points, in %.1f s; a child's incremental run %.1f s%n",
        expectA.points().size(),
        expectB.points().size(),
        (System.nanoTime() - t0) / 1e9,
        toB.millis() / 1e3);

    Path ws = workspace("crash", stateA);
    Map<String, String> current = Map.of(); // the files the collection of ws was last brought to
    int runs = 0; // runs recorded in ws
    int kills = 0;
    List<String> report = new ArrayList<>();
    for (int iteration = 0; kills < KILLS; iteration++) {
      assertTrue(iteration < KILLS + 6, "too many runs finished before their kill: " + report);
      boolean cold = current.isEmpty();
      Map<String, String> target = current == stateA ? stateB : stateA;
      CollectionSnapshot expected = target == stateA ? expectA : expectB;
      EquivalenceWorkspace.sync(ws, target);
      // The work this run has: documents to commit and their points to write.
      Set<String> changed = changedDocuments(current, target);
      long points = expected.pointDocuments().values().stream().filter(changed::contains).count();
      Trigger trigger = cold ? Trigger.POINTS : Trigger.values()[iteration % 3];
      double share = 0.02 + 0.96 * random.nextDouble();

      String log = "crash-" + iteration;
      long started = System.nanoTime();
      Ended ended = killAt(ws, log, trigger, share, points, changed.size(), sizing);
      boolean killed = ended.killed();
      kills += killed ? 1 : 0;
      double at = (System.nanoTime() - started) / 1e9;
      Kill kill = killed ? phaseAtKill(ws, changed, target, runs) : null;
      // Now and then the files go back before the re-run, as if the killed run's new documents
      // had vanished and its changes been undone meanwhile: what it wrote of them must go too.
      Map<String, String> next = killed && iteration % 4 == 2 ? current : target;
      String line =
          String.format(
              "%s %2d: %s run to %s, %s after %.1f s (%s): %s; re-run with %s",
              killed ? "kill" : "run ",
              iteration,
              cold ? "cold" : "incremental",
              target == stateA ? "A" : "B",
              killed ? "killed" : "not killed",
              at,
              trigger.describe(share),
              killed ? kill.phase() : "finished before the kill",
              next == stateA ? "A" : "B");
      System.out.println(line);
      report.add(line);
      String where = "seed " + seed + ", " + line;
      if (!killed) {
        assertEquals(0, ended.exit(), where + "\n" + childOutput(log));
      }

      EquivalenceWorkspace.sync(ws, next);
      long rerun = System.nanoTime();
      Cli again = cli(ws, "ingest");
      assertEquals(0, again.code(), where + ": the re-run failed\n" + again.out() + again.err());
      CollectionSnapshot got = CollectionSnapshot.of(ws, COLLECTION);
      long snapshotDone = System.nanoTime();
      CollectionSnapshot.assertSame(next == stateA ? expectA : expectB, got, where);
      CollectionSnapshot.assertInvariants(got, where);
      if (killed && kill.runId() != null) {
        // The killed run had recorded its start: the re-run saw it, swept, marked it interrupted.
        assertTrue(again.out().contains("An earlier run did not finish"), where + again.out());
        assertTrue(
            got.runs().stream()
                .anyMatch(
                    r ->
                        r.runId().equals(kill.runId())
                            && r.status().equals(RunHistory.INTERRUPTED)),
            where + ": " + got.runs());
      }
      current = next;
      runs = got.runs().size();
      System.out.printf(
          "   re-run %.1f s, iteration %.1f s%n",
          (snapshotDone - rerun) / 1e9, (snapshotDone - started) / 1e9);
    }
    System.out.println(String.join("\n", report));
  }

  /** How big and long a run is: what a point and an entry take in the store, a child's run time. */
  record Sizing(double bytesPerPoint, double bytesPerEntry, long runMillis) {}

  /**
   * When a child is killed: after a share of a run's time (its first 90%: most of it is startup,
   * listing, conversion and embedding), of its point writes or of its manifest commits.
   */
  enum Trigger {
    POINTS,
    TIME,
    COMMITS;

    String describe(double share) {
      long percent = Math.round(share * 100);
      return switch (this) {
        case POINTS -> "at " + percent + "% of its points";
        case TIME -> "at " + Math.round(share * 90) + "% of a run's time";
        case COMMITS -> "at " + percent + "% of its commits";
      };
    }
  }

  /** How a child ended: killed, or finished first with its exit status. */
  record Ended(boolean killed, int exit) {}

  /** Starts {@code ingest} in a child on ws and sends it SIGKILL when the trigger fires. */
  private Ended killAt(
      Path ws, String log, Trigger trigger, double share, long points, int documents, Sizing sizing)
      throws Exception {
    long points0 = storedBytes(ws, COLLECTION);
    long manifest0 = storedBytes(ws, MANIFEST);
    Process child = startIngest(ws, log);
    boolean alive =
        switch (trigger) {
          case TIME ->
              !child.waitFor((long) (share * 0.9 * sizing.runMillis()), TimeUnit.MILLISECONDS);
          case POINTS ->
              awaitStored(
                  ws,
                  COLLECTION,
                  points0 + (long) (share * points * sizing.bytesPerPoint()),
                  child);
          case COMMITS ->
              // The first manifest write is the run's start; its commits come after.
              awaitStored(ws, MANIFEST, manifest0 + 1, child)
                  && awaitStored(
                      ws,
                      MANIFEST,
                      storedBytes(ws, MANIFEST)
                          + 1
                          + (long) (share * documents * sizing.bytesPerEntry()),
                      child);
        };
    if (alive) {
      child.destroyForcibly(); // SIGKILL
    }
    assertTrue(child.waitFor(1, TimeUnit.MINUTES), log + ": the child did not end");
    return new Ended(alive, child.exitValue());
  }

  /** Documents a run from {@code before} to {@code after} commits: the new and changed ones. */
  private static Set<String> changedDocuments(
      Map<String, String> before, Map<String, String> after) {
    Set<String> out = new HashSet<>();
    for (Map.Entry<String, String> f : after.entrySet()) {
      if (!f.getValue().equals(before.get(f.getKey()))) {
        out.add(documentId(f.getKey()));
      }
    }
    return out;
  }

  private static String documentId(String path) {
    return DocumentIds.documentId("handbook", "localfile", "notes", path);
  }

  // ---------------------------------------------------------------------------------------------
  // The corpus: deterministic Markdown pages of one to three chunks

  private static final String[] WORDS =
      ("archive server file network process memory thread commit index vector search query"
              + " token chunk payload document manifest collection runner pipeline embed model"
              + " shell remote secure compress extract option flag output input stream buffer"
              + " cache disk volume mount user group permission kernel socket packet route"
              + " schedule retry backoff window batch shard replica leader follower snapshot log"
              + " garden river mountain forest bread crust oven flour yeast salt water coffee tea"
              + " station train ticket platform harbour ship anchor lighthouse compass map")
          .split(" ");

  private static String words(Random r, int min, int max) {
    int n = min + r.nextInt(max - min + 1);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  /** One page: a title, an intro and zero to three sections (a few headed paragraphs). */
  private static String page(Random r, int n, int sections) {
    StringBuilder s = new StringBuilder();
    s.append("# ").append(words(r, 2, 3)).append(' ').append(n).append("\n\n");
    s.append(capitalised(words(r, 4, 8))).append(".\n");
    for (int i = 0; i < sections; i++) {
      s.append("\n## ").append(capitalised(words(r, 1, 2))).append("\n\n");
      s.append(capitalised(words(r, 6, 12))).append(".\n");
    }
    return s.toString();
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String pathOf(int i) {
    return String.format("topic-%02d/page-%03d.md", i % 12, i);
  }

  /** State A: {@value #FILES} pages by relative path. */
  static Map<String, String> corpusA() {
    Random r = new Random(20240611);
    Map<String, String> files = new TreeMap<>();
    for (int i = 0; i < FILES; i++) {
      files.put(pathOf(i), page(r, i, new int[] {0, 1, 1, 2, 3}[i % 5]));
    }
    return files;
  }

  /**
   * State B: A with 15% of the pages edited (a sentence added to the last paragraph, a new title,
   * or a section appended, so some chunks stay and some change), 5% deleted, 26 new pages and two
   * renamed ones.
   */
  static Map<String, String> corpusB(Map<String, String> a) {
    Random r = new Random(19700101);
    Map<String, String> files = new TreeMap<>(a);
    for (int i = 0; i < FILES; i++) {
      String path = pathOf(i);
      int k = i % 20;
      if (k == 1 || k == 7 || k == 13) {
        String text = a.get(path);
        String edited =
            switch ((i / 20) % 3) {
              case 0 -> text.substring(0, text.length() - 2) + ", " + words(r, 2, 4) + ".\n";
              case 1 -> "# Renamed " + words(r, 1, 2) + text.substring(text.indexOf(' '));
              default ->
                  text + "\n## " + capitalised(words(r, 1, 2)) + "\n\n" + words(r, 6, 10) + ".\n";
            };
        files.put(path, edited);
      } else if (k == 5) {
        files.remove(path);
      }
    }
    for (int i = 0; i < 26; i++) {
      files.put(String.format("added/page-%03d.md", 900 + i), page(r, 900 + i, 1 + i % 3));
    }
    for (int i : new int[] {2, 22}) {
      files.put(String.format("moved/renamed-%03d.md", i), files.remove(pathOf(i)));
    }
    return files;
  }

  // ---------------------------------------------------------------------------------------------
  // Workspaces

  private Path workspace(String name, Map<String, String> files) throws IOException {
    Path ws = tmp.resolve(name);
    Files.createDirectories(ws.resolve("docs"));
    Files.writeString(
        ws.resolve("config.yaml"),
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: "
            + COLLECTION
            + "\n"
            + "  chunking:\n"
            + "    chunk_size: 32\n"
            + "    chunk_overlap: 0\n"
            + "projects:\n"
            + "  handbook:\n"
            + "    sources:\n"
            + "      localfile:\n"
            + "        notes:\n"
            + "          base_url: docs\n");
    EquivalenceWorkspace.sync(ws, files);
    return ws;
  }

  // ---------------------------------------------------------------------------------------------
  // Running ingest

  /** What one in-process CLI invocation printed and returned. */
  record Cli(int code, String out, String err) {}

  private static Cli cli(Path ws, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> full = new ArrayList<>(List.of("--workspace", ws.toString()));
    full.addAll(List.of(args));
    int code =
        QdrantLoaderCli.run(
            full.toArray(new String[0]), new PrintWriter(out), new PrintWriter(err));
    return new Cli(code, out.toString(), err.toString());
  }

  /** A child run that was let finish. */
  record Timed(int exit, long millis, String output) {}

  private Timed ingestInChild(Path ws, String name) throws Exception {
    long t0 = System.nanoTime();
    Process p = startIngest(ws, name);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), name + " did not finish");
    return new Timed(p.exitValue(), (System.nanoTime() - t0) / 1_000_000, childOutput(name));
  }

  /** {@code qdrant-loader --workspace ws ingest} in a JVM of its own, output to a file. */
  private Process startIngest(Path ws, String name) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-XX:TieredStopAtLevel=1"));
    // C1 only: the child is short-lived and C2 compiles would take half of its two cores.
    String djlCache = System.getProperty("DJL_CACHE_DIR");
    if (djlCache != null) {
      command.add("-DDJL_CACHE_DIR=" + djlCache);
    }
    // The classpath goes on the command line, as Spark and Dataflow workers have it: ONNX Runtime
    // 1.29 scans /proc/self/cmdline when its environment is created, which overflowed a 1 MB
    // thread stack (SIGSEGV) once the command line passed about 3.5 KB (LocalModels now creates
    // it on a thread with a large stack).
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(
        List.of(QdrantLoaderCli.class.getName(), "--workspace", ws.toString(), "ingest"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
    return pb.start();
  }

  /** Bytes the local store of ws holds for a collection: its write-ahead log grows with writes. */
  private static long storedBytes(Path ws, String collection) {
    Path dir = ws.resolve(".qdrant-loader/qdrant/collections").resolve(collection);
    long total = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.collect(Collectors.toList())) {
        try {
          total += Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
          // compacted away while we looked: the next poll sees its successor
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return 0; // not created yet
    }
    return total;
  }

  /**
   * Waits until ws stores at least {@code bytes} for the collection.
   *
   * @return true when the child was still running then, false when it ended first
   */
  private static boolean awaitStored(Path ws, String collection, long bytes, Process child)
      throws Exception {
    while (child.isAlive()) {
      if (storedBytes(ws, collection) >= bytes) {
        return child.isAlive();
      }
      Thread.sleep(1);
    }
    return false;
  }

  private String childOutput(String name) {
    try {
      return Files.readString(tmp.resolve(name + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Where a kill landed

  /** Where a killed run was, and its id when it had recorded its start. */
  record Kill(String phase, String runId) {}

  /**
   * Where the killed run was, read from what it left: its run record, the points and manifest
   * entries carrying its start time, and the documents of vanished files still present.
   */
  private static Kill phaseAtKill(
      Path ws, Set<String> changed, Map<String, String> target, int runsBefore) throws Exception {
    CollectionSnapshot s = CollectionSnapshot.of(ws, COLLECTION, false);
    List<RunHistory.Run> running =
        s.runs().stream().filter(r -> r.status().equals(RunHistory.RUNNING)).toList();
    if (running.isEmpty()) {
      return new Kill(
          s.runs().size() > runsBefore
              ? "exiting (the run had recorded its end)"
              : "starting (no run recorded yet)",
          null);
    }
    String startedAt = running.get(0).startedAt();
    long written = s.pointIngestedAt().values().stream().filter(startedAt::equals).count();
    long committed = s.entryIngestedAt().values().stream().filter(startedAt::equals).count();
    Set<String> listed = new HashSet<>();
    for (String path : target.keySet()) {
      listed.add(documentId(path));
    }
    long vanished = s.entries().keySet().stream().filter(id -> !listed.contains(id)).count();
    String figures =
        String.format(
            " (%d points written, %d/%d documents committed, %d vanished entries left)",
            written, committed, changed.size(), vanished);
    String phase;
    if (written == 0) {
      phase = "listing, converting or embedding";
    } else if (committed == 0) {
      phase = "writing points";
    } else if (committed < changed.size()) {
      phase = "committing documents";
    } else if (vanished > 0) {
      phase = "deleting vanished documents";
    } else {
      phase = "ending the run";
    }
    return new Kill(phase + figures, running.get(0).runId());
  }
}
