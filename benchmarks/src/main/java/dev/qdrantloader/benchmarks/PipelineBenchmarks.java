package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs the pipeline scenarios, each run in a fresh JVM measured from outside, and writes the raw
 * figures (JSON) and the "Pipeline" section of BENCHMARKS.md.
 *
 * <ul>
 *   <li><b>cold</b>: {@code qdrant-loader ingest} of the corpus with the embedded defaults into an
 *       empty workspace.
 *   <li><b>spark</b>: the cold ingest with {@code --runner spark} (Spark local on every core).
 *   <li><b>rerun</b>: {@code ingest} again on the ingested state: the corpus unchanged, then with
 *       1% of its documents edited ({@link RerunScenario}).
 *   <li><b>limit</b>: the cold run's chunk texts embedded whole, straight through ONNX Runtime.
 *   <li><b>overhead</b>: the same pipeline with a zero-cost embedder.
 *   <li><b>metrics</b>: overhead runs in pairs with the run's observation off and on (progress
 *       monitor, Prometheus endpoint scraped every second), and JMH's cost of a Beam metric update
 *       ({@link MetricsScenario}).
 *   <li><b>peer</b>: LangChain4j's EmbeddingStoreIngestor, same model, splitter and server.
 *   <li><b>memory</b>: peak RSS of the cold ingest for the corpus and for N copies of it.
 *   <li><b>remote</b>: our ingest and LangChain4j's against a fake remote provider, 50,000 chunks
 *       ({@link RemoteScenario}).
 *   <li><b>duplicates</b>: how many chunks reach the provider when 30% of chunk texts repeat
 *       ({@link DuplicatesScenario}).
 * </ul>
 *
 * <p>{@code PipelineBenchmarks --repo DIR --corpus DIR --work DIR --scenarios LIST --runs N
 * --memory-copies N --heap SIZE --scale F --remote-sides ours,peer --command TEXT}
 */
public final class PipelineBenchmarks {
  static final List<String> ALL =
      List.of(
          "cold",
          "spark",
          "rerun",
          "limit",
          "overhead",
          "metrics",
          "peer",
          "memory",
          "remote",
          "duplicates");

  /** The scenarios of the "Remote embedding provider" section; the others are the pipeline's. */
  static final List<String> REMOTE = List.of("remote", "duplicates");

  static final String COLLECTION = "bench";

  private final Path repo;
  private final Path corpus;
  private final Path work;
  private final int runs;
  private final int copies;
  private final String heap;
  private final double scale;
  private final List<String> remoteSides;
  private final ObjectMapper json = new ObjectMapper();
  private final ObjectNode results = json.createObjectNode();

  private PipelineBenchmarks(
      Path repo,
      Path corpus,
      Path work,
      int runs,
      int copies,
      String heap,
      double scale,
      List<String> remoteSides) {
    this.repo = repo;
    this.corpus = corpus;
    this.work = work;
    this.runs = runs;
    this.copies = copies;
    this.heap = heap;
    this.scale = scale;
    this.remoteSides = remoteSides;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a =
        Args.parse(
            args,
            Set.of("--repo", "--corpus", "--work", "--command"),
            Set.of(
                "--scenarios", "--runs", "--memory-copies", "--heap", "--scale", "--remote-sides"));
    Path corpus = Path.of(a.get("--corpus")).toAbsolutePath().normalize();
    if (!Files.isDirectory(corpus)) {
      throw new IllegalArgumentException("--corpus is not a directory: " + corpus);
    }
    List<String> scenarios =
        List.of(a.getOrDefault("--scenarios", String.join(",", ALL)).split(","));
    for (String s : scenarios) {
      if (!ALL.contains(s)) {
        throw new IllegalArgumentException("unknown scenario " + s + "; known: " + ALL);
      }
    }
    double scale = Double.parseDouble(a.getOrDefault("--scale", "1"));
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("--scale must be in (0, 1], got " + scale);
    }
    List<String> sides = List.of(a.getOrDefault("--remote-sides", "ours,peer").split(","));
    if (sides.isEmpty() || !List.of("ours", "peer").containsAll(sides)) {
      throw new IllegalArgumentException("--remote-sides takes ours and/or peer, got " + sides);
    }
    PipelineBenchmarks b =
        new PipelineBenchmarks(
            Path.of(a.get("--repo")).toAbsolutePath(),
            corpus,
            Path.of(a.get("--work")).toAbsolutePath(),
            Integer.parseInt(a.getOrDefault("--runs", "3")),
            Integer.parseInt(a.getOrDefault("--memory-copies", "10")),
            a.getOrDefault("--heap", "4g"),
            scale,
            sides);
    b.run(scenarios, a.get("--command"));
  }

  private void run(List<String> scenarios, String command) throws Exception {
    Path marker = work.resolve(".pipeline-benchmarks");
    if (Files.isDirectory(work) && !Files.exists(marker)) {
      try (Stream<Path> s = Files.list(work)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--work "
                  + work
                  + " is not empty and was not made by these benchmarks; not touching it");
        }
      }
    }
    deleteTree(work);
    Files.createDirectories(work);
    Files.createFile(marker);
    results.put("date", Instant.now().toString());
    results.put("machine", Reports.machine());
    results.put("command", command);
    results.put("corpus", corpus.toString());
    results.put("corpus_files", countFiles(corpus));
    results.put("runs", runs);
    results.put("heap", heap);
    results.put("versions", versions());
    results.put("git_commit", git("rev-parse", "--short", "HEAD"));
    // Uncommitted changes to code or build files (documentation edits do not change the figures).
    results.put(
        "git_dirty",
        !git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)*.md")
            .isBlank());
    boolean needCold = scenarios.contains("cold") || scenarios.contains("limit");
    if (needCold || scenarios.contains("memory")) {
      cold();
    }
    if (scenarios.contains("spark")) {
      spark();
    }
    if (scenarios.contains("rerun")) {
      // From the cold scenario's last workspace when it ran now; else from its own cold ingest.
      Path coldWorkspace = results.has("cold") ? work.resolve("cold-" + runs) : null;
      results.set("rerun", new RerunScenario(this, work, runs).run(corpus, coldWorkspace));
    }
    if (scenarios.contains("limit")) {
      limit();
    }
    if (scenarios.contains("overhead")) {
      overhead();
    }
    if (scenarios.contains("metrics")) {
      results.set("metrics", new MetricsScenario(this, work, runs).run(corpus));
    }
    if (scenarios.contains("peer")) {
      peer();
    }
    if (scenarios.contains("memory")) {
      memory();
    }
    if (scenarios.contains("remote")) {
      results.set("remote", new RemoteScenario(this, work, runs, scale, remoteSides).run(corpus));
    }
    if (scenarios.contains("duplicates")) {
      results.set("duplicates", new DuplicatesScenario(this, work, scale).run(corpus));
    }
    Path raw = repo.resolve("benchmarks/results/pipeline.json");
    Files.createDirectories(raw.getParent());
    if (Files.exists(raw)) {
      // keep the figures of scenarios not run this time, marked with their own date
      JsonNode old = json.readTree(raw.toFile());
      for (String s : ALL) {
        if (!results.has(s) && old.has(s)) {
          ObjectNode kept = (ObjectNode) old.get(s).deepCopy();
          // a figure kept twice keeps the date and commit of the run that measured it
          if (!kept.has("kept_from_run_of")) {
            kept.put("kept_from_run_of", old.path("date").asText());
            kept.put("kept_from_commit", old.path("git_commit").asText());
          }
          results.set(s, kept);
        }
      }
    }
    json.writerWithDefaultPrettyPrinter().writeValue(raw.toFile(), results);
    // Each section only when one of its scenarios ran now: a section's date and command are this
    // run's.
    if (scenarios.stream().anyMatch(s -> !REMOTE.contains(s))) {
      PipelineReport.write(results, repo.resolve("BENCHMARKS.md"));
      System.out.println("BENCHMARKS.md: pipeline section rewritten");
    }
    if (scenarios.stream().anyMatch(REMOTE::contains)) {
      RemoteReport.write(results, repo.resolve("BENCHMARKS.md"));
      System.out.println("BENCHMARKS.md: remote section rewritten");
    }
    System.out.println("raw figures: " + raw);
  }

  List<String> java(String... rest) {
    List<String> cmd = new ArrayList<>(List.of("java", "-Xmx" + heap));
    cmd.addAll(List.of(rest));
    return cmd;
  }

  /** A fresh workspace {@code name} under the work directory, ingesting {@code base}. */
  Path workspace(String name, Path base) throws IOException {
    return workspace(name, base, "");
  }

  /**
   * A fresh workspace {@code name} ingesting {@code base}, with {@code global} (YAML indented by
   * two spaces) added to its {@code global:} section.
   */
  Path workspace(String name, Path base, String global) throws IOException {
    Path ws = work.resolve(name);
    deleteTree(ws);
    Files.createDirectories(ws);
    Files.writeString(
        ws.resolve("config.yaml"),
        "global:\n"
            + "  qdrant:\n"
            + "    collection_name: "
            + COLLECTION
            + "\n"
            + global
            + "sources:\n"
            + "  localfile:\n"
            + "    corpus:\n"
            + "      base_url: "
            + json.writeValueAsString(base.toString())
            + "\n"
            + "      exclude_paths: [\"**/LICENSE.md\"]\n"
            + "      file_types: [\"*.md\"]\n",
        StandardCharsets.UTF_8);
    return ws;
  }

  /** One cold ingest through the CLI jar: fresh workspace, embedded defaults. */
  private ObjectNode ingestOnce(String name, Path base, boolean profile) throws Exception {
    return ingest(name, workspace(name, base), profile);
  }

  /**
   * One {@code qdrant-loader ingest} of workspace {@code ws} in a fresh JVM, measured from outside,
   * with the figures and counters of its run report; with {@code profile}, under JFR.
   */
  ObjectNode ingest(String name, Path ws, boolean profile) throws Exception {
    return ingest(name, ws, profile, false);
  }

  /**
   * As {@link #ingest(String, Path, boolean)}; with {@code spark}, {@code ingest --runner spark}
   * launched as {@code ./qdrant-loader} does: the jar plus the Spark jars the build lists, and
   * Spark's Java 17 flags.
   */
  ObjectNode ingest(String name, Path ws, boolean profile, boolean spark) throws Exception {
    List<String> cmd = java();
    if (profile) {
      cmd.add(
          "-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr") + ",settings=default");
    }
    String jar = repo.resolve("runners/target/qdrant-loader.jar").toString();
    if (spark) {
      cmd.addAll(SPARK_JVM_FLAGS);
      String sparkJars =
          Files.readString(
                  repo.resolve("runners/target/spark-classpath.txt"), StandardCharsets.UTF_8)
              .trim();
      cmd.addAll(
          List.of(
              "-cp",
              jar + ":" + sparkJars,
              "dev.qdrantloader.runners.cli.QdrantLoaderCli",
              "--workspace",
              ws.toString(),
              "ingest",
              "--runner",
              "spark"));
    } else {
      cmd.addAll(List.of("-jar", jar, "--workspace", ws.toString(), "ingest"));
    }
    System.out.println("[" + name + "] " + String.join(" ", cmd));
    ProcessProbe.Measured m = ProcessProbe.run(cmd, work.resolve(name + ".log"));
    JsonNode summary = json.readTree(latestSummary(ws).toFile());
    ObjectNode r = json.createObjectNode();
    putMeasured(r, m);
    r.put("ingest_seconds", summary.get("seconds").asDouble());
    JsonNode totals = summary.get("totals");
    r.put("documents", totals.get("documents_read").asLong());
    r.put("chunks", totals.get("chunks").asLong());
    r.put("points", totals.get("points_written").asLong());
    r.put("failed_documents", totals.get("failed_documents").asLong());
    r.set("counters", summary.get("counters"));
    r.set("distributions", summary.get("distributions"));
    if (profile) {
      r.set("profile", profileJson(work.resolve(name + ".jfr")));
    }
    System.out.printf(
        Locale.ROOT,
        "[%s] %d documents, %d chunks in %.1f s, peak RSS %d MiB%n",
        name,
        r.get("documents").asLong(),
        r.get("chunks").asLong(),
        m.wallSeconds(),
        m.peakRssBytes() >> 20);
    return r;
  }

  private void cold() throws Exception {
    ArrayNode list = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      list.add(ingestOnce("cold-" + i, corpus, true));
    }
    results.set("cold", json.createObjectNode().set("runs", list));
  }

  /** Spark's module flags on Java 17 (the ./qdrant-loader launcher passes the same). */
  static final List<String> SPARK_JVM_FLAGS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

  /**
   * The cold ingest on Spark local: fresh workspaces, {@code --runner spark}; the same documents,
   * chunks and points as the DirectRunner's cold runs, or it fails.
   */
  private void spark() throws Exception {
    ArrayNode list = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      String name = "spark-" + i;
      ObjectNode r = ingest(name, workspace(name, corpus), false, true);
      if (r.get("failed_documents").asLong() != 0 || r.get("points").asLong() == 0) {
        throw new IllegalStateException(
            "[" + name + "] the Spark run failed documents or wrote nothing: " + r);
      }
      JsonNode cold = results.path("cold").path("runs");
      if (cold.size() > 0 && cold.get(0).get("points").asLong() != r.get("points").asLong()) {
        throw new IllegalStateException(
            "["
                + name
                + "] wrote "
                + r.get("points").asLong()
                + " points, the DirectRunner's cold run "
                + cold.get(0).get("points").asLong());
      }
      list.add(r);
    }
    results.set("spark", json.createObjectNode().set("runs", list));
  }

  private void limit() throws Exception {
    Path texts = work.resolve("chunks.jsonl");
    ProcessProbe.run(
        java(
            "-cp",
            benchJar(),
            ChunkDump.class.getName(),
            "--qdrant-path",
            work.resolve("cold-" + runs + "/.qdrant-loader/qdrant").toString(),
            "--collection",
            COLLECTION,
            "--out",
            texts.toString()),
        work.resolve("chunk-dump.log"));
    ArrayNode list = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      Path out = work.resolve("limit-" + i + ".json");
      System.out.println("[limit-" + i + "] embedding the cold run's chunk texts");
      ProcessProbe.Measured m =
          ProcessProbe.run(
              java(
                  "-cp",
                  benchJar(),
                  ModelLimit.class.getName(),
                  "--texts",
                  texts.toString(),
                  "--out",
                  out.toString()),
              work.resolve("limit-" + i + ".log"));
      ObjectNode r = (ObjectNode) json.readTree(out.toFile());
      r.put("peak_rss_bytes", m.peakRssBytes());
      r.put("cpu_seconds", m.cpuSeconds());
      list.add(r);
      System.out.printf(
          Locale.ROOT, "[limit-%d] %.1f chunks/s%n", i, r.get("chunks_per_second").asDouble());
    }
    results.set("limit", json.createObjectNode().set("runs", list));
  }

  private void overhead() throws Exception {
    ArrayNode list = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      String name = "overhead-" + i;
      Path ws = workspace(name, corpus);
      Path out = work.resolve(name + ".json");
      List<String> cmd = java();
      if (i == 1) {
        cmd.add(
            "-XX:StartFlightRecording=filename="
                + work.resolve(name + ".jfr")
                + ",settings=default");
      }
      cmd.addAll(
          List.of(
              "-cp",
              benchJar(),
              OverheadRun.class.getName(),
              "--workspace",
              ws.toString(),
              "--out",
              out.toString()));
      System.out.println("[" + name + "] " + String.join(" ", cmd));
      ProcessProbe.Measured m = ProcessProbe.run(cmd, work.resolve(name + ".log"));
      ObjectNode r = (ObjectNode) json.readTree(out.toFile());
      putMeasured(r, m);
      if (i == 1) {
        r.set("profile", profileJson(work.resolve(name + ".jfr")));
      }
      list.add(r);
      System.out.printf(
          Locale.ROOT,
          "[%s] %d chunks in %.1f s of pipeline = %.0f chunks/s%n",
          name,
          r.get("chunks").asLong(),
          r.get("pipeline_seconds").asDouble(),
          r.get("chunks").asLong() / r.get("pipeline_seconds").asDouble());
    }
    results.set("overhead", json.createObjectNode().set("runs", list));
  }

  private void peer() throws Exception {
    ArrayNode list = json.createArrayNode();
    for (int i = 1; i <= runs; i++) {
      String name = "peer-" + i;
      Path dir = work.resolve(name);
      deleteTree(dir);
      Path out = work.resolve(name + ".json");
      List<String> cmd =
          java(
              "-cp",
              benchJar(),
              PeerIngest.class.getName(),
              "--corpus",
              corpus.toString(),
              "--qdrant-path",
              dir.toString(),
              "--out",
              out.toString());
      System.out.println("[" + name + "] " + String.join(" ", cmd));
      ProcessProbe.Measured m = ProcessProbe.run(cmd, work.resolve(name + ".log"));
      ObjectNode r = (ObjectNode) json.readTree(out.toFile());
      putMeasured(r, m);
      list.add(r);
      System.out.printf(
          Locale.ROOT,
          "[%s] cold %.1f s, re-run %.1f s, %d segments%n",
          name,
          r.get("cold_seconds").asDouble(),
          r.get("rerun_seconds").asDouble(),
          r.get("segments").asLong());
      deleteTree(dir);
    }
    results.set("peer", json.createObjectNode().set("runs", list));
  }

  private void memory() throws Exception {
    Path big = work.resolve("corpus-x" + copies);
    long files = 0;
    for (int c = 1; c <= copies; c++) {
      files += linkTree(corpus, big.resolve(String.format(Locale.ROOT, "copy-%02d", c)));
    }
    System.out.println("[memory] " + files + " files in " + copies + " copies under " + big);
    ObjectNode r = json.createObjectNode();
    r.put("copies", copies);
    r.put("files", files);
    r.set("run", ingestOnce("memory-x" + copies, big, true));
    // Local mode keeps the collection in the JVM: how much of the live heap that is, at both sizes.
    r.put("collection_heap_bytes_x1", collectionHeap(work.resolve("cold-1")));
    r.put("collection_heap_bytes", collectionHeap(work.resolve("memory-x" + copies)));
    results.set("memory", r);
    deleteTree(big);
    deleteTree(work.resolve("memory-x" + copies));
  }

  private long collectionHeap(Path workspace) throws Exception {
    Path out = work.resolve("collection-heap-" + workspace.getFileName() + ".log");
    ProcessProbe.run(
        java(
            "-cp",
            benchJar(),
            CollectionHeap.class.getName(),
            workspace.resolve(".qdrant-loader/qdrant").toString()),
        out);
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.matches("-?[0-9]+")) {
        return Long.parseLong(line);
      }
    }
    throw new IOException("no figure in " + out);
  }

  /** The outside measurements of one process: wall time, peak RSS, CPU time. */
  static void putMeasured(ObjectNode r, ProcessProbe.Measured m) {
    r.put("wall_seconds", m.wallSeconds());
    r.put("peak_rss_bytes", m.peakRssBytes());
    r.put("cpu_seconds", m.cpuSeconds());
  }

  private ObjectNode profileJson(Path jfr) throws IOException {
    JfrSummary.Summary s = JfrSummary.read(jfr);
    ObjectNode p = json.createObjectNode();
    p.put("samples", s.samples());
    p.put("max_heap_after_gc_bytes", s.maxHeapAfterGc());
    ObjectNode phases = p.putObject("phases");
    s.phases().forEach(phases::put);
    ObjectNode areas = p.putObject("areas");
    s.areas().forEach(areas::put);
    ObjectNode methods = p.putObject("top_methods");
    s.methods().entrySet().stream().limit(15).forEach(e -> methods.put(e.getKey(), e.getValue()));
    return p;
  }

  private static String versions() {
    String ort;
    try {
      ort = ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      ort = "unknown";
    }
    return String.format(
        Locale.ROOT,
        "Beam %s (DirectRunner), ONNX Runtime %s, model all-minilm-l6-v2-q (int8), %s, Qdrant:"
            + " the embedded local-mode server on disk",
        org.apache.beam.sdk.util.ReleaseInfo.getReleaseInfo().getVersion(),
        ort,
        new org.apache.tika.Tika().toString());
  }

  String benchJar() {
    return repo.resolve("benchmarks/target/benchmarks.jar").toString();
  }

  private static Path latestSummary(Path ws) throws IOException {
    Path runsDir = ws.resolve(".qdrant-loader/runs");
    try (Stream<Path> s = Files.list(runsDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json"))
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new IOException("no run report (<run-id>.json) under " + runsDir));
    }
  }

  /** Mirrors {@code from} under {@code to} with hard links (copies where links fail). */
  private static long linkTree(Path from, Path to) throws IOException {
    return mirror(from, to, true);
  }

  /** Copies {@code from} under {@code to}, file by file: a copy that can be edited safely. */
  static long copyTree(Path from, Path to) throws IOException {
    return mirror(from, to, false);
  }

  private static long mirror(Path from, Path to, boolean link) throws IOException {
    long[] n = {0};
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path target = to.resolve(from.relativize(file).toString());
            if (!link) {
              // with its modification time: the copy is the corpus a workspace ingested, and the
              // loader's fingerprint is size and time before it hashes
              Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            } else {
              try {
                Files.createLink(target, file);
              } catch (IOException | UnsupportedOperationException e) {
                Files.copy(file, target);
              }
            }
            n[0]++;
            return FileVisitResult.CONTINUE;
          }
        });
    return n[0];
  }

  private static long countFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private String git(String... args) {
    try {
      List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor() == 0 ? out : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
