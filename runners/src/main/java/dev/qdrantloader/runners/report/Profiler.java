package dev.qdrantloader.runners.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import one.convert.Arguments;
import one.convert.JfrToFlame;

/**
 * Profiles this JVM for the length of a run ({@code ingest --profile}): a JFR recording with the
 * JDK's "profile" settings, written to {@value #RECORDING} in the given directory, an HTML flame
 * graph of it ({@value #FLAME_GRAPH}, made by async-profiler's jfr-converter) and the hot methods.
 *
 * <p>Both thread samplers run every {@link #SAMPLE_PERIOD} ("profile" alone samples Java code every
 * 10 ms but native code every 20 ms), so one thread busy in Java code and one busy in native code
 * yield the same number of samples per second.
 *
 * <p><b>Hot methods</b> are counted by self time: the top frame of each sample. Which samples
 * count:
 *
 * <ul>
 *   <li>Every {@code jdk.ExecutionSample} (a thread running Java code) counts once.
 *   <li>A {@code jdk.NativeMethodSample} (a Java thread inside a native method, such as ONNX
 *       Runtime's {@code ai.onnxruntime.OrtSession.run} behind the local embedding model) counts
 *       unless its top frame is an idle wait: sleeping, parking, {@code Object.wait}, waiting for a
 *       process, polling a selector (epoll, Netty's epoll), accepting a connection, or reading a
 *       socket, pipe or file ({@link #IDLE_WAIT}). Threads parked or waiting in the JVM itself are
 *       never sampled at all.
 *   <li>A counted native sample weighs as many samples as there were threads in native code that
 *       second. JFR (JDK 17) takes at most one native sample per period, going round the threads
 *       that are in native code, idle ones included; Java samples take up to five threads per
 *       period. Without the weight, a few idle selector threads would hide a busy native method.
 *       The number of threads is estimated per second of recording as the distinct threads that had
 *       native samples.
 * </ul>
 *
 * <p>So a method's {@code samples} are weighted samples (times {@link #SAMPLE_PERIOD} is roughly
 * the thread time spent in it), and its share is its samples over all counted samples. The flame
 * graph leaves the same idle waits out but counts each sample once, native ones included.
 *
 * <p>Stacks deeper than JFR's stack depth (64 frames unless the JVM was started with {@code
 * -XX:FlightRecorderOptions:stackdepth=N}) are cut at the root end; their top frames, which hot
 * methods read, are kept.
 */
public final class Profiler implements AutoCloseable {

  /** The recording's file name in the profile directory. */
  public static final String RECORDING = "profile.jfr";

  /** The flame graph's file name in the profile directory. */
  public static final String FLAME_GRAPH = "flame-graph.html";

  /** How often each thread sampler (Java code, native code) takes its samples. */
  public static final Duration SAMPLE_PERIOD = Duration.ofMillis(10);

  /** How many hot methods {@link #stop()} reports. */
  public static final int HOT_METHODS = 10;

  private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
  private static final String NATIVE_SAMPLE = "jdk.NativeMethodSample";

  /**
   * Native methods in which a thread waits rather than works, as {@code package.Class.method}.
   * Netty's may be shaded under another package (gRPC's {@code io.grpc.netty.shaded.io.netty}).
   */
  static final Pattern IDLE_WAIT =
      Pattern.compile(
          String.join(
              "|",
              // time, other threads, child processes
              "java\\.lang\\.Object\\.wait\\w*",
              "java\\.lang\\.Thread\\.(sleep|yield)\\w*",
              "(jdk\\.internal|sun)\\.misc\\.Unsafe\\.park",
              "java\\.lang\\.ref\\.Reference\\.waitForReferencePendingList",
              "java\\.lang\\.ProcessHandleImpl\\.waitForProcessExit0",
              "java\\.lang\\.ProcessImpl\\.waitFor\\w*",
              // selectors and pollers (epoll, kqueue, poll, Windows), file watching
              "sun\\.nio\\.(ch|fs)\\.\\w+\\.(wait|poll\\w*)",
              "([\\w$]+\\.)*io\\.netty\\.channel\\.(epoll|kqueue)\\.Native\\."
                  + "(epollWait|epollBusyWait|keventWait)\\w*",
              // blocking accepts, connects and reads of sockets, pipes and files
              "sun\\.nio\\.ch\\.Net\\.(accept|connect)\\w*",
              "sun\\.nio\\.ch\\.\\w+\\.(accept0|receive0)",
              "sun\\.nio\\.ch\\.(Socket|Datagram|File|UnixFile)Dispatcher(Impl)?"
                  + "\\.(read|readv|pread)0",
              "java\\.net\\.\\w+\\.(socketRead0|socketAccept|accept0|receive0|peekData)",
              "java\\.io\\.(FileInputStream|RandomAccessFile)\\.(read0|readBytes)"));

  private final Recording recording;
  private final Path recordingFile;
  private final Path flameGraph;
  private final String title;
  private boolean open = true;

  private Profiler(Recording recording, Path dir, String title) {
    this.recording = recording;
    this.recordingFile = dir.resolve(RECORDING);
    this.flameGraph = dir.resolve(FLAME_GRAPH);
    this.title = title;
  }

  /**
   * Starts recording this JVM; {@link #stop()} writes the outputs to {@code dir} (created when
   * missing).
   *
   * @param title the flame graph's title
   * @throws UncheckedIOException when {@code dir} cannot be created or written
   */
  public static Profiler start(Path dir, String title) {
    return start(dir, title, true);
  }

  /**
   * As {@link #start(Path, String)}, without the thread samplers when {@code sample} is false
   * (tests: a recording without samples). A long period would not do: JDK 17's sampler thread
   * sleeps out the period it was given even when a later recording asks for a shorter one.
   */
  static Profiler start(Path dir, String title, boolean sample) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(title, "title");
    try {
      Files.createDirectories(dir);
      if (!Files.isWritable(dir)) {
        throw new AccessDeniedException(dir.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the profile to " + dir + ": " + e, e);
    }
    Configuration profile;
    try {
      profile = Configuration.getConfiguration("profile");
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("this JVM has no JFR \"profile\" settings", e);
    }
    Recording recording = new Recording(profile);
    recording.setName("qdrant-loader profile " + dir);
    recording.setToDisk(true); // a long run's events go to JFR's repository, not the heap
    if (sample) {
      recording.enable(EXECUTION_SAMPLE).withPeriod(SAMPLE_PERIOD);
      recording.enable(NATIVE_SAMPLE).withPeriod(SAMPLE_PERIOD);
    } else {
      recording.disable(EXECUTION_SAMPLE);
      recording.disable(NATIVE_SAMPLE);
    }
    try {
      recording.start();
    } catch (RuntimeException e) {
      recording.close();
      throw e;
    }
    return new Profiler(recording, dir, title);
  }

  /**
   * Stops recording and writes the recording and the flame graph.
   *
   * @return the files written, the counted samples and the {@value #HOT_METHODS} hottest methods
   * @throws IllegalStateException when already stopped or closed
   * @throws UncheckedIOException when an output cannot be written
   */
  public synchronized RunReport.ProfileSummary stop() {
    if (!open) {
      throw new IllegalStateException("the profiler was stopped or closed already");
    }
    open = false;
    try {
      recording.stop();
      recording.dump(recordingFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the recording " + recordingFile + ": " + e, e);
    } finally {
      recording.close();
    }
    writeFlameGraph(recordingFile, flameGraph, title);
    Tally tally = tally(recordingFile);
    return new RunReport.ProfileSummary(
        recordingFile.toString(), flameGraph.toString(), tally.total(), tally.top(HOT_METHODS));
  }

  /** Ends a recording that was not stopped, writing nothing (a failed run). */
  @Override
  public synchronized void close() {
    if (open) {
      open = false;
      recording.close();
    }
  }

  /**
   * The {@code n} hottest methods of any JFR recording, by the rule in this class's description.
   *
   * @throws UncheckedIOException when the file cannot be read as a recording
   */
  public static List<RunReport.HotMethod> hotMethods(Path jfrFile, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be at least 0, was " + n);
    }
    return tally(jfrFile).top(n);
  }

  private static void writeFlameGraph(Path jfr, Path html, String title) {
    // --dot: package.Class names, as in hot methods; no event flag (--cpu finds nothing in a JDK
    // recording); --exclude drops every stack with a frame matching the pattern.
    Arguments args = new Arguments("--title", title, "--dot", "--exclude", IDLE_WAIT.pattern());
    try {
      JfrToFlame.convert(jfr.toString(), html.toString(), args);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(
          "cannot write the flame graph " + html + ": " + e,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  private static Tally tally(Path jfr) {
    Tally tally = new Tally();
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        boolean nativeCode = type.equals(NATIVE_SAMPLE);
        if (!nativeCode && !type.equals(EXECUTION_SAMPLE)) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        RecordedThread thread = event.getThread("sampledThread");
        tally.add(
            nativeCode,
            event.getStartTime().getEpochSecond(),
            thread == null ? -1 : thread.getId(),
            name(stack.getFrames().get(0)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the recording " + jfr + ": " + e, e);
    }
    return tally;
  }

  private static String name(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    return method.getType().getName() + "." + method.getName();
  }

  /** Samples by top method, weighted by the rule in {@link Profiler}'s description. */
  static final class Tally {
    private final Map<String, Long> javaSamples = new HashMap<>();
    // per second of recording: the threads seen in native code, and the counted native samples
    private final Map<Long, Set<Long>> nativeThreads = new HashMap<>();
    private final Map<Long, Map<String, Long>> nativeSamples = new HashMap<>();

    /**
     * Adds one sample.
     *
     * @param nativeCode a {@code jdk.NativeMethodSample} rather than a {@code jdk.ExecutionSample}
     * @param second the second of recording it was taken in
     * @param thread the sampled thread
     * @param method the top frame, as {@code package.Class.method}
     */
    void add(boolean nativeCode, long second, long thread, String method) {
      if (!nativeCode) {
        javaSamples.merge(method, 1L, Long::sum);
        return;
      }
      nativeThreads.computeIfAbsent(second, s -> new HashSet<>()).add(thread);
      if (!IDLE_WAIT.matcher(method).matches()) {
        nativeSamples.computeIfAbsent(second, s -> new HashMap<>()).merge(method, 1L, Long::sum);
      }
    }

    private Map<String, Long> weighted() {
      Map<String, Long> weighted = new HashMap<>(javaSamples);
      nativeSamples.forEach(
          (second, counts) -> {
            long threads = nativeThreads.get(second).size();
            counts.forEach((method, count) -> weighted.merge(method, count * threads, Long::sum));
          });
      return weighted;
    }

    /** All counted samples, weighted. */
    long total() {
      return weighted().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The {@code n} methods with most samples (ties by name). */
    List<RunReport.HotMethod> top(int n) {
      Map<String, Long> weighted = weighted();
      double total = weighted.values().stream().mapToLong(Long::longValue).sum();
      return weighted.entrySet().stream()
          .sorted(
              Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                  .thenComparing(Map.Entry.comparingByKey()))
          .limit(n)
          .map(e -> new RunReport.HotMethod(e.getKey(), e.getValue(), e.getValue() / total))
          .toList();
    }
  }
}
