package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.AdviceText.count;
import static dev.qdrantloader.runners.report.AdviceText.percent;

import java.util.List;

/**
 * {@code heap-throttled}: the resource monitor held intake back for at least 5% of the workers'
 * time (throttled time over wall time x worker threads; a run of at least 30 s), and the heap was
 * the reason (a heap warning, or the heap's peak at or over {@code global.resources.max_heap}).
 * Advises a larger heap, as the runner takes it: {@code -Xmx} in {@code QDRANT_LOADER_JAVA_OPTS}
 * for the DirectRunner and Spark local, the executors' memory on a Spark cluster, a machine type
 * with more memory on Dataflow.
 */
final class HeapRule implements TuningAdvice.Rule {
  static final String ID = "heap-throttled";
  static final double MIN_THROTTLED_SHARE = 0.05;

  static final String THROTTLES = "ResourceMonitor.throttles";
  static final String THROTTLED_MILLIS = "ResourceMonitor.throttled_millis";
  static final String HEAP_WARNINGS = "ResourceMonitor.heap_warnings";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<RunReport.Advice> advise(RunFigures run) {
    RunReport.Settings s = run.settings();
    if (s == null || run.seconds() < EmbeddingRules.MIN_SECONDS) {
      return List.of();
    }
    RunReport.Resources r = run.resources();
    long throttles = r != null ? r.throttles() : run.counter(THROTTLES);
    double waited = r != null ? r.throttledSeconds() : run.counter(THROTTLED_MILLIS) / 1000.0;
    int threads = Math.max(1, s.workers());
    double share = waited / (run.seconds() * threads);
    double peak = r == null ? 0 : r.peakHeapFraction();
    boolean heapFull =
        run.counter(HEAP_WARNINGS) > 0 || (s.maxHeapFraction() > 0 && peak >= s.maxHeapFraction());
    if (throttles < 1 || share < MIN_THROTTLED_SHARE || !heapFull) {
      return List.of();
    }
    String because =
        "intake waited "
            + count(waited)
            + " s in "
            + count(throttles)
            + " throttles ("
            + percent(share)
            + " of "
            + threads
            + (threads == 1 ? " thread" : " threads")
            + " x "
            + count(run.seconds())
            + " s)";
    if (peak > 0) {
      because +=
          "; the heap peaked at "
              + percent(peak)
              + (s.maxHeapBytes() > 0 ? " of " + AdviceText.heap(s.maxHeapBytes()) : "")
              + (s.maxHeapFraction() > 0
                  ? " (max_heap " + AdviceText.fraction(s.maxHeapFraction()) + ")"
                  : "");
    }
    return List.of(new RunReport.Advice(ID, change(run, s), because));
  }

  private static String change(RunFigures run, RunReport.Settings s) {
    if (run.oneJvm()) {
      if (s.maxHeapBytes() > 0) {
        return "raise the heap: QDRANT_LOADER_JAVA_OPTS=\"-Xmx"
            + AdviceText.doubledHeap(s.maxHeapBytes())
            + "\" (now -Xmx"
            + AdviceText.heap(s.maxHeapBytes())
            + ")";
      }
      return "raise -Xmx in QDRANT_LOADER_JAVA_OPTS (the launcher's default is -Xmx"
          + AdviceText.LAUNCHER_HEAP
          + ")";
    }
    if ("spark".equals(s.runner())) {
      return "give the executors more memory (spark-submit --executor-memory)";
    }
    if ("dataflow".equals(s.runner())) {
      return "use workers with more memory (--pipeline-option=--workerMachineType=, e.g."
          + " n2-highmem-4)";
    }
    return "give the workers more heap";
  }
}
