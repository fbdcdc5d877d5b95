package dev.qdrantloader.runners.observe;

import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.runners.report.RunReport;
import dev.qdrantloader.runners.report.Stages;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples a running pipeline's metrics and this JVM's CPU and heap at a fixed interval: the samples
 * become the run report's timeline, and the latest ones drive the progress line (documents and
 * chunks done, rate, ETA, the busiest stage). On a terminal the line is redrawn in place; otherwise
 * a plain line is printed every so often.
 */
public final class RunMonitor implements AutoCloseable {
  /** How progress is shown. */
  public enum Progress {
    /** One line redrawn in place (a terminal). */
    LINE,
    /** A plain line every so often (logs, pipes). */
    LOG,
    /** Nothing. */
    OFF
  }

  /** Most samples kept; past it every other one is dropped and the interval doubles. */
  static final int MAX_SAMPLES = 1800;

  /** The window rates and the busiest stage are measured over. */
  static final double WINDOW_SECONDS = 10;

  private final Supplier<MetricsSnapshot> live;
  private final long intervalMillis;
  private final Progress progress;
  private final long logEveryMillis;
  private final PrintWriter progressOut;
  private final long startNanos;
  private final ScheduledExecutorService timer;
  private final List<RunReport.Sample> samples = new ArrayList<>();

  /** The latest ticks, every one, for the progress line's rates (the window and one before). */
  private final java.util.ArrayDeque<Tick> recent = new java.util.ArrayDeque<>();

  private double interval;
  private long stride = 1;
  private long ticks;
  private long lastLogNanos;
  private boolean lineShown;
  private double peakCpu;
  private double peakHeap;

  /**
   * A monitor (not yet sampling).
   *
   * @param live the pipeline's metrics now ({@link MetricsSnapshot#EMPTY} before it runs)
   * @param intervalMillis sampling interval
   * @param progress how progress is shown
   * @param logEveryMillis with {@link Progress#LOG}, the time between lines
   * @param progressOut where progress goes
   */
  public RunMonitor(
      Supplier<MetricsSnapshot> live,
      long intervalMillis,
      Progress progress,
      long logEveryMillis,
      PrintWriter progressOut) {
    this.live = live;
    this.intervalMillis = intervalMillis;
    this.interval = intervalMillis / 1000.0;
    this.progress = progress;
    this.logEveryMillis = logEveryMillis;
    this.progressOut = progressOut;
    this.startNanos = System.nanoTime();
    this.lastLogNanos = startNanos;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "qdrant-loader-monitor");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts sampling. */
  public RunMonitor start() {
    timer.scheduleAtFixedRate(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    return this;
  }

  private void tick() {
    try {
      sample(live.get());
    } catch (RuntimeException e) {
      // A runner that cannot be asked now is asked again at the next tick.
    }
  }

  /** Takes one sample of {@code m} now, and shows progress when due. */
  synchronized RunReport.Sample sample(MetricsSnapshot m) {
    long now = System.nanoTime();
    Map<String, Long> items = new LinkedHashMap<>();
    Map<String, Double> busy = new LinkedHashMap<>();
    Map<String, Long> ops = new LinkedHashMap<>();
    for (Stages.Stage s : Stages.ALL) {
      items.put(s.name(), s.items(m));
      if (s.timed()) {
        busy.put(s.name(), s.busySeconds(m));
        ops.put(s.name(), s.operations(m));
      }
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    double cpu = cpuLoad();
    RunReport.Sample sample =
        new RunReport.Sample(
            (now - startNanos) / 1e9, items, busy, ops, cpu, heap.getUsed(), heap.getMax());
    // Past MAX_SAMPLES every other sample is dropped and from then on only every stride-th tick
    // is kept, so the timeline stays evenly spaced at the interval it states.
    if (ticks++ % stride == 0) {
      samples.add(sample);
      if (samples.size() > MAX_SAMPLES) {
        for (int i = samples.size() - 2; i > 0; i -= 2) {
          samples.remove(i);
        }
        interval *= 2;
        stride *= 2;
      }
    }
    recent.addLast(new Tick(sample.t(), documentsDone(m), vectorsReady(m), busy));
    while (recent.size() > 2 && sample.t() - second(recent).t() >= WINDOW_SECONDS) {
      recent.removeFirst();
    }
    peakCpu = Math.max(peakCpu, cpu);
    if (heap.getMax() > 0) {
      peakHeap = Math.max(peakHeap, (double) heap.getUsed() / heap.getMax());
    }
    if (progress == Progress.LINE) {
      progressOut.print("\r" + line(m) + "\033[K");
      progressOut.flush();
      lineShown = true;
    } else if (progress == Progress.LOG && now - lastLogNanos >= logEveryMillis * 1_000_000L) {
      lastLogNanos = now;
      progressOut.println("progress: " + line(m));
      progressOut.flush();
    }
    return sample;
  }

  /**
   * The progress line for the latest sample (which is of {@code m}): documents finished of those
   * listed; chunks with a vector of the chunks to embed (estimated from the documents still to
   * chunk while some are) and points written; the rate and ETA of the embedding, which is where a
   * run's time goes (of documents when nothing is embedded); the busiest stage.
   */
  synchronized String line(MetricsSnapshot m) {
    Tick last = recent.getLast();
    Tick base = recent.getFirst();
    long listed = m.counter("ReadDocuments.documents_listed");
    long finished = last.done();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "[%6.1fs] ", last.t()));
    if (listed == 0) {
      b.append("listing documents");
      return b.toString();
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%,d/%,d documents (%d%%)",
            finished,
            listed,
            Math.min(100, finished * 100 / listed)));
    long chunks = expectedChunks(m);
    long ready = last.vectors();
    boolean estimated = chunks > m.counter("ChunkDocuments.chunks_emitted");
    if (chunks > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              " | %,d/%s%,d chunks embedded (%d%%), %,d written",
              ready,
              estimated ? "~" : "",
              chunks,
              Math.min(100, ready * 100 / chunks),
              m.counter("QdrantIO.points_upserted")));
    }
    double span = last.t() - base.t();
    if (span > 0) {
      long left;
      double rate;
      String unit;
      if (chunks > 0) {
        rate = (ready - base.vectors()) / span;
        left = chunks - ready;
        unit = "chunks/s";
      } else {
        rate = (finished - base.done()) / span;
        left = listed - finished;
        unit = "docs/s";
      }
      b.append(String.format(Locale.ROOT, " | %.1f %s", rate, unit));
      if (rate > 0 && left > 0) {
        b.append(" | ETA ").append(duration(left / rate));
      }
      String busiest = null;
      double most = 0;
      for (Map.Entry<String, Double> e : last.busySeconds().entrySet()) {
        double threads = (e.getValue() - base.busySeconds().getOrDefault(e.getKey(), 0.0)) / span;
        if (threads > most) {
          most = threads;
          busiest = e.getKey();
        }
      }
      if (busiest != null && most > 0.05) {
        b.append(String.format(Locale.ROOT, " | busiest: %s (%.1f threads)", busiest, most));
      }
    }
    return b.toString();
  }

  private static Tick second(java.util.ArrayDeque<Tick> ticks) {
    java.util.Iterator<Tick> it = ticks.iterator();
    it.next();
    return it.next();
  }

  /** One tick's figures for the progress line. */
  private record Tick(double t, long done, long vectors, Map<String, Double> busySeconds) {}

  /** Chunks that have their vector: embedded, found in a cache, reused from Qdrant, or failed. */
  static long vectorsReady(MetricsSnapshot m) {
    return m.counter("EmbedChunks.embeddings_computed")
        + m.counter("EmbedChunks.cache_hits")
        + m.counter("EmbedChunks.chunks_failed")
        + m.counter("ReuseVectors.embeddings_reused");
  }

  /**
   * The chunks this run will embed: those emitted so far, plus, while documents are still to be
   * chunked, as many per document as the chunked ones had.
   */
  static long expectedChunks(MetricsSnapshot m) {
    long emitted = m.counter("ChunkDocuments.chunks_emitted");
    long chunked = m.counter("ChunkDocuments.documents_chunked");
    long toChunk =
        m.counter("DiffDocuments.documents_new")
            + m.counter("DiffDocuments.documents_changed")
            + m.counter("DiffDocuments.documents_forced")
            - m.counter("ReadDocuments.documents_failed")
            - m.counter("ConvertDocuments.documents_failed")
            - m.counter("ChunkDocuments.documents_failed");
    if (chunked == 0 || toChunk <= chunked) {
      return emitted;
    }
    return Math.round((double) emitted / chunked * toChunk);
  }

  /**
   * Documents the run is finished with: unchanged, committed, failed before embedding, or written
   * incompletely.
   */
  static long documentsDone(MetricsSnapshot m) {
    // With --force, unchanged documents are processed all the same (and counted as forced too).
    return m.counter("DiffDocuments.documents_unchanged")
        - m.counter("DiffDocuments.documents_forced")
        + m.counter("CommitDocuments.documents_committed")
        + m.counter("CommitDocuments.documents_incomplete")
        + m.counter("ReadDocuments.documents_failed")
        + m.counter("ConvertDocuments.documents_failed")
        + m.counter("ChunkDocuments.documents_failed");
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return s + "s";
  }

  private static double cpuLoad() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      double load = os.getProcessCpuLoad();
      return load < 0 ? -1 : load;
    }
    return -1;
  }

  /** The samples taken so far. */
  public synchronized RunReport.Timeline timeline() {
    return new RunReport.Timeline(interval, List.copyOf(samples));
  }

  /** Highest CPU sample, 0..1 of all cores. */
  public synchronized double peakCpu() {
    return peakCpu;
  }

  /** Highest heap sample, 0..1 of the heap's limit. */
  public synchronized double peakHeapFraction() {
    return peakHeap;
  }

  /**
   * Stops sampling after a last sample of {@code m}: on a terminal the progress line is cleared
   * (the summary follows), in a log the last line says where the run ended.
   */
  public void finish(MetricsSnapshot m) {
    close();
    sample(m);
    synchronized (this) {
      if (progress == Progress.LOG) {
        progressOut.println("progress: " + line(m) + " (finished)");
        progressOut.flush();
      }
      if (lineShown) {
        progressOut.print("\r\033[K");
        progressOut.flush();
        lineShown = false;
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
