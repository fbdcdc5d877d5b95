package dev.qdrantloader.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilerTest {

  private static final String PRIMES = ProfilerTest.class.getName() + ".hotPrimeCounting";
  private static final String DEFLATE = "java.util.zip.Deflater.deflateBytesBytes";
  private static final String ACCEPT = "sun.nio.ch.Net.accept";

  @TempDir Path tmp;

  @Test
  void busyJavaAndNativeMethodsAreHotAndIdleWaitsAreNot() throws Exception {
    Path dir = tmp.resolve("profile");
    AtomicBoolean running = new AtomicBoolean(true);
    Object monitor = new Object();
    List<Thread> background =
        List.of(
            new Thread(() -> deflateWhile(running), "deflater"),
            new Thread(() -> sleepWhile(running), "sleeper"),
            new Thread(() -> parkWhile(running), "parker"),
            new Thread(() -> waitWhile(running, monitor), "waiter"));
    RunReport.ProfileSummary summary;
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      new Thread(() -> acceptUntilClosed(server), "acceptor").start();
      background.forEach(Thread::start);
      try (Profiler profiler = Profiler.start(dir, "ProfilerTest busy")) {
        assertTrue(hotPrimeCounting(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500)) > 0);
        summary = profiler.stop();
      } finally {
        running.set(false);
        background.forEach(LockSupport::unpark);
        background.forEach(Thread::interrupt);
      }
    }
    for (Thread thread : background) {
      thread.join(5_000);
    }

    Path jfr = dir.resolve(Profiler.RECORDING);
    assertEquals(jfr.toString(), summary.recording());
    assertTrue(Files.size(jfr) > 0);
    List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
    assertTrue(events.stream().anyMatch(e -> isSample(e, "jdk.ExecutionSample", PRIMES)));
    // the acceptor was sampled, so its absence below is the rule's doing
    assertTrue(events.stream().anyMatch(e -> isSample(e, "jdk.NativeMethodSample", ACCEPT)));

    Path html = dir.resolve(Profiler.FLAME_GRAPH);
    assertEquals(html.toString(), summary.flameGraph());
    String graph = Files.readString(html);
    assertTrue(graph.contains("ProfilerTest busy"), "title");
    assertTrue(graph.contains("hotPrimeCounting"), "the busy Java method");
    List<String> frames = flameGraphFrames(graph);
    assertTrue(frames.contains(PRIMES) && frames.contains(DEFLATE), frames::toString);
    assertFalse(frames.contains(ACCEPT), frames::toString);

    // other builds may share the machine's cores, so the shares are loose
    List<RunReport.HotMethod> hot = summary.hotMethods();
    assertTrue(hot.size() >= 2 && hot.size() <= Profiler.HOT_METHODS, hot::toString);
    List<String> top2 = hot.subList(0, 2).stream().map(RunReport.HotMethod::method).toList();
    assertTrue(top2.contains(PRIMES) && top2.contains(DEFLATE), hot::toString);
    assertTrue(share(hot, PRIMES) > 0.1 && share(hot, DEFLATE) > 0.1, hot::toString);

    List<RunReport.HotMethod> all = Profiler.hotMethods(jfr, Integer.MAX_VALUE);
    assertEquals(hot, all.subList(0, hot.size()));
    assertEquals(summary.samples(), all.stream().mapToLong(RunReport.HotMethod::samples).sum());
    List<String> idle =
        List.of(
            "java.lang.Thread.sleep",
            "jdk.internal.misc.Unsafe.park",
            "java.lang.Object.wait",
            ACCEPT,
            "java.io.FileInputStream.readBytes");
    for (RunReport.HotMethod method : all) {
      assertFalse(idle.contains(method.method()), () -> "idle: " + method);
    }
  }

  @Test
  void aNativeSampleWeighsAsManySamplesAsThreadsWereInNativeCode() {
    Profiler.Tally tally = new Profiler.Tally();
    for (int i = 0; i < 50; i++) {
      tally.add(false, 7, 1, "dev.example.Chunker.split");
    }
    // second 7: JFR went round five threads in native code, one busy and four idle
    for (int i = 0; i < 10; i++) {
      tally.add(true, 7, 2, "ai.onnxruntime.OrtSession.run");
      for (long thread = 3; thread <= 6; thread++) {
        tally.add(true, 7, thread, "sun.nio.ch.EPoll.wait");
      }
    }
    // second 8: the busy thread alone
    for (int i = 0; i < 20; i++) {
      tally.add(true, 8, 2, "ai.onnxruntime.OrtSession.run");
    }

    assertEquals(120, tally.total());
    assertEquals(
        List.of(
            new RunReport.HotMethod("ai.onnxruntime.OrtSession.run", 70, 70 / 120.0),
            new RunReport.HotMethod("dev.example.Chunker.split", 50, 50 / 120.0)),
        tally.top(10));
    assertEquals(1, tally.top(1).size());
  }

  @Test
  void idleWaitsAreToldFromNativeWork() {
    List<String> idle =
        List.of(
            "java.lang.Thread.sleep",
            "java.lang.Object.wait0",
            "jdk.internal.misc.Unsafe.park",
            "java.lang.ProcessHandleImpl.waitForProcessExit0",
            "sun.nio.ch.EPoll.wait",
            "sun.nio.ch.KQueue.poll",
            "io.netty.channel.epoll.Native.epollWait0",
            "io.grpc.netty.shaded.io.netty.channel.epoll.Native.epollWait",
            "sun.nio.ch.Net.accept",
            "sun.nio.ch.Net.poll",
            "sun.nio.ch.SocketDispatcher.read0",
            "sun.nio.ch.FileDispatcherImpl.read0",
            "java.net.SocketInputStream.socketRead0",
            "java.io.FileInputStream.readBytes");
    List<String> work =
        List.of(
            "ai.onnxruntime.OrtSession.run",
            "ai.onnxruntime.OnnxTensor.createTensor",
            "java.util.zip.Deflater.deflateBytesBytes",
            "java.util.zip.Inflater.inflateBytesBytes",
            "java.io.FileOutputStream.writeBytes",
            "sun.nio.ch.SocketDispatcher.write0",
            "io.netty.channel.epoll.Native.epollCtlMod0",
            "dev.example.Waiter.waitForIt");
    for (String method : idle) {
      assertTrue(Profiler.IDLE_WAIT.matcher(method).matches(), method);
    }
    for (String method : work) {
      assertFalse(Profiler.IDLE_WAIT.matcher(method).matches(), method);
    }
  }

  @Test
  void aRecordingWithoutSamplesStillWritesAFlameGraph() throws Exception {
    Path dir = tmp.resolve("quiet");
    RunReport.ProfileSummary summary;
    try (Profiler profiler = Profiler.start(dir, "quiet run", false)) {
      summary = profiler.stop();
    }

    assertEquals(0, summary.samples());
    assertEquals(List.of(), summary.hotMethods());
    assertTrue(Files.size(dir.resolve(Profiler.RECORDING)) > 0);
    String graph = Files.readString(dir.resolve(Profiler.FLAME_GRAPH));
    assertTrue(graph.contains("quiet run") && graph.contains("</html>"), graph);
  }

  @Test
  void closingWithoutStoppingEndsTheRecordingAndWritesNothing() {
    Path dir = tmp.resolve("failed-run");
    Profiler profiler = Profiler.start(dir, "failed run");
    String name = "qdrant-loader profile " + dir;
    assertTrue(recordingNamed(name));

    profiler.close();

    assertFalse(recordingNamed(name));
    assertFalse(Files.exists(dir.resolve(Profiler.RECORDING)));
    assertFalse(Files.exists(dir.resolve(Profiler.FLAME_GRAPH)));
    IllegalStateException stopped = assertThrows(IllegalStateException.class, profiler::stop);
    assertTrue(stopped.getMessage().contains("closed already"), stopped::getMessage);
    profiler.close();
  }

  @Test
  void anUnwritableDirectoryIsNamed() throws IOException {
    Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
    Path dir = file.resolve("profile");

    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Profiler.start(dir, "t").close());

    assertTrue(e.getMessage().contains(dir.toString()), e::getMessage);
    assertFalse(recordingNamed("qdrant-loader profile " + dir));
  }

  @Test
  void aFileThatIsNoRecordingIsNamed() throws IOException {
    Path notJfr = Files.writeString(tmp.resolve("not.jfr"), "hello");

    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Profiler.hotMethods(notJfr, 10));

    assertTrue(e.getMessage().contains(notJfr.toString()), e::getMessage);
  }

  /**
   * Counts the primes below 50,000 by trial division until the deadline, in one method without
   * calls so that it is the top frame of its samples; returns the rounds, or -1 if one miscounted.
   */
  private static int hotPrimeCounting(long deadlineNanos) {
    int rounds = 0;
    boolean miscounted = false;
    while (System.nanoTime() < deadlineNanos) {
      int primes = 0;
      for (int n = 2; n < 50_000; n++) {
        boolean prime = true;
        for (int d = 2; d * d <= n; d++) {
          if (n % d == 0) {
            prime = false;
            break;
          }
        }
        if (prime) {
          primes++;
        }
      }
      miscounted |= primes != 5_133;
      rounds++;
    }
    return miscounted ? -1 : rounds;
  }

  /** Compresses random text at the highest level: the thread spends its time in zlib. */
  private static void deflateWhile(AtomicBoolean running) {
    byte[] input = new byte[1 << 20];
    Random random = new Random(8);
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) ('a' + random.nextInt(8));
    }
    byte[] output = new byte[input.length];
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      while (running.get()) {
        deflater.reset();
        deflater.setInput(input);
        deflater.finish();
        while (!deflater.finished()) {
          deflater.deflate(output);
        }
      }
    } finally {
      deflater.end();
    }
  }

  private static void sleepWhile(AtomicBoolean running) {
    while (running.get()) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void parkWhile(AtomicBoolean running) {
    while (running.get()) {
      LockSupport.park();
    }
  }

  private static void waitWhile(AtomicBoolean running, Object monitor) {
    synchronized (monitor) {
      while (running.get()) {
        try {
          monitor.wait();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private static void acceptUntilClosed(ServerSocket server) {
    try {
      server.accept().close();
    } catch (IOException closed) {
      // the test closed the socket
    }
  }

  private static boolean isSample(RecordedEvent event, String type, String topMethod) {
    if (!event.getEventType().getName().equals(type) || event.getStackTrace() == null) {
      return false;
    }
    var method = event.getStackTrace().getFrames().get(0).getMethod();
    return (method.getType().getName() + "." + method.getName()).equals(topMethod);
  }

  /**
   * The frame names of an async-profiler HTML flame graph: its {@code cpool} array, where each name
   * after the first starts with a character giving how many leading characters it shares with the
   * name before it (code minus 32).
   */
  private static List<String> flameGraphFrames(String html) {
    Matcher pool = Pattern.compile("const cpool = \\[(.*?)\\];", Pattern.DOTALL).matcher(html);
    assertTrue(pool.find(), "no cpool in the flame graph");
    Matcher literal = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'").matcher(pool.group(1));
    List<String> names = new ArrayList<>();
    while (literal.find()) {
      String packed = literal.group(1);
      names.add(
          names.isEmpty()
              ? packed
              : names.get(names.size() - 1).substring(0, packed.charAt(0) - 32)
                  + packed.substring(1));
    }
    return names;
  }

  private static double share(List<RunReport.HotMethod> hot, String method) {
    return hot.stream()
        .filter(m -> m.method().equals(method))
        .mapToDouble(RunReport.HotMethod::share)
        .sum();
  }

  private static boolean recordingNamed(String name) {
    return FlightRecorder.getFlightRecorder().getRecordings().stream()
        .anyMatch(r -> r.getName().equals(name));
  }
}
