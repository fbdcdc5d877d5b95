package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark standalone cluster on 127.0.0.1 (one master, one worker, started by {@code
 * templates/spark/standalone.sh} from the Maven jars) runs {@code ingest} as the README says: once
 * through {@code SparkSubmit} with the shaded jar, once with {@code --spark-master} straight from
 * the CLI jar. Each run must leave what the DirectRunner leaves for the same files. Runs after
 * {@code package} (maven-failsafe-plugin): it needs {@code runners/target/qdrant-loader.jar}.
 */
class SparkClusterIT {
  private static final List<String> JAVA17 = java17Flags();

  /**
   * For the driver and executors of this test: short-lived JVMs on two cores spend half their CPU
   * in C2 compiles; the quick JIT alone about halves a run's CPU time.
   */
  private static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

  @TempDir Path tmp;

  private final Path jar = Paths.get(property("qdrantloader.jar"));
  private final Path sparkHomeClasspath = Paths.get(property("qdrantloader.sparkHomeClasspath"));
  private final Path standaloneScript = Paths.get(property("qdrantloader.standaloneScript"));
  private final Path runnerSparkClasspath = Paths.get(property("qdrantloader.sparkClasspath"));
  private final List<Path> logs = new ArrayList<>();

  @Test
  void aStandaloneClusterWritesWhatTheDirectRunnerWrites() throws Exception {
    assertTrue(Files.isRegularFile(jar), jar + " (mvn package builds it)");
    assertTrue(Files.isRegularFile(sparkHomeClasspath), sparkHomeClasspath.toString());
    Path sparkHome = tmp.resolve("spark-home");
    int port = freePort();
    int webui = freePort();
    String master = "spark://127.0.0.1:" + port;
    Process cluster =
        start(
            List.of(
                "bash",
                standaloneScript.toString(),
                "--port",
                String.valueOf(port),
                "--webui-port",
                String.valueOf(webui),
                "--cores",
                "2",
                "--memory",
                "2g"),
            sparkHome,
            "cluster");
    boolean passed = false;
    try {
      Map<String, String> a = EquivalenceWorkspace.stateA();
      Path direct = EquivalenceWorkspace.create(tmp.resolve("direct"), a);
      Path onCluster = EquivalenceWorkspace.create(tmp.resolve("cluster-ws"), a);
      // The reference, in this JVM, while the cluster starts.
      CliEndToEndTest.Run d = CliEndToEndTest.cli(direct, "ingest");
      assertEquals(0, d.code(), d.out() + d.err());
      awaitWorker(webui, cluster);

      // 1. spark-submit (what a Spark distribution's bin/spark-submit runs), client deploy mode.
      List<String> submit = new ArrayList<>(List.of(java()));
      submit.addAll(JAVA17);
      submit.add(QUICK_JIT);
      submit.addAll(
          List.of(
              "-cp",
              sparkHome.resolve("jars") + "/*",
              "org.apache.spark.deploy.SparkSubmit",
              "--master",
              master,
              "--class",
              QdrantLoaderCli.class.getName(),
              "--conf",
              "spark.driver.extraJavaOptions=" + javaOptions(),
              "--conf",
              "spark.executor.extraJavaOptions=" + javaOptions(),
              jar.toString(),
              "--workspace",
              onCluster.toString(),
              "ingest",
              "--runner",
              "spark"));
      String out = run(submit, sparkHome, "spark-submit");
      assertTrue(out.contains("Running the pipeline on spark (" + master + ")"), out);
      EquivalenceWorkspace.assertSameRun(direct, onCluster, "spark-submit");
      CollectionSnapshot got = CollectionSnapshot.of(onCluster, EquivalenceWorkspace.COLLECTION);
      CollectionSnapshot.assertSame(
          CollectionSnapshot.of(direct, EquivalenceWorkspace.COLLECTION), got, "spark-submit");
      CollectionSnapshot.assertInvariants(got, "spark-submit");

      // 2. Edits and deletions, then the CLI jar with --spark-master: Spark from the classpath,
      // our classes staged to the executors as the jar itself.
      Map<String, String> b = EquivalenceWorkspace.stateB(a);
      EquivalenceWorkspace.sync(direct, b);
      EquivalenceWorkspace.sync(onCluster, b);
      d = CliEndToEndTest.cli(direct, "ingest");
      assertEquals(0, d.code(), d.out() + d.err());
      List<String> cli = new ArrayList<>(List.of(java()));
      cli.addAll(JAVA17);
      cli.add(QUICK_JIT);
      if (!djlCache().isEmpty()) {
        cli.add(djlCache().trim());
      }
      cli.addAll(
          List.of(
              "-Xmx1g",
              // SparkConf reads spark.* system properties: the executors' JVM options.
              "-Dspark.executor.extraJavaOptions=" + javaOptions(),
              "-cp",
              jar + ":" + Files.readString(runnerSparkClasspath).trim(),
              QdrantLoaderCli.class.getName(),
              "--workspace",
              onCluster.toString(),
              "ingest",
              "--runner",
              "spark",
              "--spark-master",
              master));
      out = run(cli, sparkHome, "cli-spark-master");
      assertTrue(out.contains("Running the pipeline on spark (" + master + ")"), out);
      assertTrue(out.contains("2 changed"), out);
      EquivalenceWorkspace.assertSameRun(direct, onCluster, "--spark-master");
      got = CollectionSnapshot.of(onCluster, EquivalenceWorkspace.COLLECTION);
      CollectionSnapshot.assertSame(
          CollectionSnapshot.of(direct, EquivalenceWorkspace.COLLECTION), got, "--spark-master");
      CollectionSnapshot.assertInvariants(got, "--spark-master");
      passed = true;
    } finally {
      stop(cluster);
      if (!passed) {
        printLogs(sparkHome);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Processes

  /** Starts a child with the Spark environment, output to {@code <tmp>/<name>.log}. */
  private Process start(List<String> command, Path sparkHome, String name) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Path log = tmp.resolve(name + ".log");
    logs.add(log);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** Runs a child to its end (at most 4 minutes); its output, which must end with exit 0. */
  private String run(List<String> command, Path sparkHome, String name) throws Exception {
    long t0 = System.nanoTime();
    Process p = start(command, sparkHome, name);
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      stop(p);
      fail(name + " did not finish within 4 minutes");
    }
    String out = Files.readString(tmp.resolve(name + ".log"));
    System.out.printf("SparkClusterIT: %s took %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
    assertEquals(0, p.exitValue(), name + " failed:\n" + out);
    return out;
  }

  /** Waits until the master's web UI reports one alive worker. */
  private static void awaitWorker(int webui, Process cluster) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webui + "/json/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      assertTrue(cluster.isAlive(), "standalone.sh ended");
      try {
        String json = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (json.replace(" ", "").contains("\"aliveworkers\":1")) {
          return;
        }
      } catch (IOException e) {
        // the master is not listening yet
      }
      Thread.sleep(250);
    }
    fail("no worker registered with the master within 2 minutes");
  }

  /** Stops a child and everything it started (the script's master and worker, their executors). */
  private static void stop(Process p) throws InterruptedException {
    List<ProcessHandle> tree = p.descendants().collect(Collectors.toList());
    p.destroy();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private void printLogs(Path sparkHome) {
    List<Path> all = new ArrayList<>(logs);
    // Executors' output: <SPARK_HOME>/work/<app>/<executor>/stderr
    try (Stream<Path> work = Files.walk(sparkHome.resolve("work"))) {
      work.filter(f -> f.getFileName().toString().equals("stderr")).forEach(all::add);
    } catch (IOException | UncheckedIOException e) {
      // no executor started
    }
    for (Path log : all) {
      try {
        System.out.println("===== " + log + "\n" + Files.readString(log));
      } catch (IOException e) {
        System.out.println("===== " + log + ": " + e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Settings

  private static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Spark's Java 17 module flags: the parent pom's {@code jvm17.opens}, as surefire has them. */
  private static List<String> java17Flags() {
    return List.of(property("qdrantloader.jvm17Opens").trim().split("\\s+"));
  }

  /** spark.driver/executor.extraJavaOptions: the README's, plus the quick JIT and DJL cache. */
  private static String javaOptions() {
    return String.join(" ", JAVA17) + " " + QUICK_JIT + djlCache();
  }

  /** The test's DJL cache for the children too (the tokenizer's native library lands there). */
  private static String djlCache() {
    String dir = System.getProperty("DJL_CACHE_DIR");
    return dir == null ? "" : " -DDJL_CACHE_DIR=" + dir;
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new IllegalStateException(name + " is not set (the failsafe configuration sets it)");
    }
    return v;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
