package dev.qdrantloader.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a run's CPU went, from a JFR recording: Java samples ({@code jdk.ExecutionSample}) and
 * samples of threads inside native code ({@code jdk.NativeMethodSample}, where ONNX Runtime and the
 * tokenizer run), grouped by area of the code and by hottest method. Threads waiting in native code
 * (epoll, socket reads, sleeps) are idle, not work, and are left out. Thread start and end events
 * mark the phases of a run of the CLI in wall time.
 */
final class JfrSummary {
  private JfrSummary() {}

  /** Areas by package prefix, first match from the top of the stack wins. */
  private static final String[][] AREAS = {
    {"ai.onnxruntime.", "model (ONNX Runtime)"},
    {"ai.djl.huggingface.", "tokenizer (HF tokenizers)"},
    {"dev.langchain4j.", "LangChain4j"},
    {"dev.qdrantloader.io.qdrant.local.", "embedded Qdrant server"},
    {"dev.qdrantloader.io.qdrant.", "Qdrant writes (client side)"},
    {"dev.qdrantloader.io.convert.", "conversion (Tika)"},
    {"org.apache.tika.", "conversion (Tika)"},
    {"org.apache.poi.", "conversion (Tika)"},
    {"dev.qdrantloader.transforms.chunk.", "chunking"},
    {"dev.qdrantloader.transforms.embed.", "embedding stage"},
    {"dev.qdrantloader.transforms.model.", "model types and coders"},
    {"dev.qdrantloader.io.localfile.", "reading files"},
    {"io.qdrant.", "Qdrant client / gRPC"},
    {"io.grpc.", "Qdrant client / gRPC"},
    {"com.google.protobuf.", "Qdrant client / gRPC"},
    {"org.apache.beam.", "Beam runner"},
    {"jdk.jfr.", "JFR itself"},
  };

  private static final String[] IDLE = {
    "EPoll.wait",
    "epollWait",
    "socketRead",
    "Net.poll",
    "Net.accept",
    "Thread.sleep",
    "Object.wait",
    "Unsafe.park",
    "FileDispatcherImpl.read0",
    "Native.epollWait"
  };

  /**
   * @param maxHeapAfterGc the most heap still in use right after a collection: the live data at its
   *     peak
   * @param phases seconds from JVM start to each phase mark found ({@link #PHASES} order)
   */
  record Summary(
      long samples,
      Map<String, Long> areas,
      Map<String, Long> methods,
      long maxHeapAfterGc,
      Map<String, Double> phases) {}

  /**
   * Phase marks in a run of the CLI, by the threads that start and end there: the embedded Qdrant
   * server's gRPC threads start once its collections are loaded from disk; the DirectRunner's
   * workers run the pipeline, from its first worker's start to its last one's end; the JFR shutdown
   * hook starts as the JVM exits.
   */
  static final List<String> PHASES =
      List.of("qdrant_listening", "pipeline_started", "pipeline_finished", "jvm_exiting");

  static Summary read(Path jfr) throws IOException {
    long samples = 0;
    long maxHeapAfterGc = 0;
    Map<String, Long> areas = new HashMap<>();
    Map<String, Long> methods = new HashMap<>();
    Instant jvmStart = null;
    Map<String, Instant> marks = new HashMap<>();
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        if (type.equals("jdk.GCHeapSummary") && "After GC".equals(e.getString("when"))) {
          maxHeapAfterGc = Math.max(maxHeapAfterGc, e.getLong("heapUsed"));
          continue;
        }
        if (type.equals("jdk.JVMInformation")) {
          jvmStart = e.getInstant("jvmStartTime");
          continue;
        }
        if (type.equals("jdk.ThreadStart") || type.equals("jdk.ThreadEnd")) {
          mark(marks, type.equals("jdk.ThreadStart"), e);
          continue;
        }
        if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        List<RecordedFrame> frames = stack.getFrames();
        String top = name(frames.get(0));
        if (isIdle(top)) {
          continue;
        }
        samples++;
        methods.merge(top, 1L, Long::sum);
        areas.merge(area(frames), 1L, Long::sum);
      }
    }
    Map<String, Double> phases = new LinkedHashMap<>();
    if (jvmStart != null) {
      for (String phase : PHASES) {
        Instant at = marks.get(phase);
        if (at != null) {
          phases.put(phase, Duration.between(jvmStart, at).toNanos() / 1e9);
        }
      }
    }
    return new Summary(samples, sorted(areas), sorted(methods), maxHeapAfterGc, phases);
  }

  private static void mark(Map<String, Instant> marks, boolean start, RecordedEvent e) {
    String name = e.getThread("thread") == null ? null : e.getThread("thread").getJavaName();
    if (name == null) {
      return;
    }
    Instant at = e.getStartTime();
    if (start && name.startsWith("grpc-default-boss")) {
      marks.merge("qdrant_listening", at, (a, b) -> a.isBefore(b) ? a : b);
    } else if (start && name.equals("direct-runner-worker")) {
      marks.merge("pipeline_started", at, (a, b) -> a.isBefore(b) ? a : b);
    } else if (!start && name.equals("direct-runner-worker")) {
      marks.merge("pipeline_finished", at, (a, b) -> a.isAfter(b) ? a : b);
    } else if (start && name.equals("JFR Shutdown Hook")) {
      marks.put("jvm_exiting", at);
    }
  }

  private static boolean isIdle(String method) {
    for (String idle : IDLE) {
      if (method.contains(idle)) {
        return true;
      }
    }
    return false;
  }

  private static String area(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String type = f.getMethod().getType().getName();
      for (String[] a : AREAS) {
        if (type.startsWith(a[0])) {
          return a[1];
        }
      }
    }
    String top = frames.get(0).getMethod().getType().getName();
    if (top.startsWith("java.") || top.startsWith("jdk.") || top.startsWith("sun.")) {
      return "JDK (no project frame on the stack)";
    }
    return "other";
  }

  private static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }

  private static Map<String, Long> sorted(Map<String, Long> m) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(m.entrySet());
    entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : entries) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
