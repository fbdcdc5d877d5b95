package dev.qdrantloader.runners.cli;

import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.runners.report.MetricsSnapshot;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * A DirectRunner pipeline tuned for real runs, and the run's metrics afterwards. Public for the
 * benchmarks, which run the same pipeline with other embedders.
 */
public final class DirectRun {
  private DirectRun() {}

  /** Listed files are spread over this many bundles per worker thread. */
  static final int BUNDLES_PER_THREAD = 4;

  /** Worker threads: one per core (the system property {@code qdrantLoader.threads} overrides). */
  public static int parallelism() {
    return Integer.getInteger(
        "qdrantLoader.threads", Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * The job shaped for the DirectRunner, which makes a bundle per key and pays a fixed cost per
   * bundle and step (it translates and deserialises each step's DoFn for every bundle, and copies
   * grouped state per bundle): the listed files spread over {@value #BUNDLES_PER_THREAD} bundles
   * per thread (not one per file), and embedding batches cut within those bundles (no
   * GroupIntoBatches state per chunk). The system property {@code qdrantLoader.bundlesPerThread}
   * overrides the count, for measurements.
   */
  public static IngestionJob tune(IngestionJob job) {
    return job.withExecution(
        Integer.getInteger("qdrantLoader.bundlesPerThread", BUNDLES_PER_THREAD) * parallelism(),
        EmbedChunks.Batching.BUNDLE);
  }

  /** A DirectRunner pipeline with the options of {@link RunnerChoice#direct()}. */
  public static Pipeline create() {
    return RunnerChoice.direct().create();
  }

  /** Counters by "SimpleOwnerName.counter", summed over steps. */
  public static Map<String, Long> counters(PipelineResult result) {
    return MetricsSnapshot.of(result, false).counters();
  }

  /**
   * Distributions by "SimpleOwnerName.name", merged over steps, as {sum, count, min, max} (the form
   * run reports write).
   */
  public static Map<String, Map<String, Long>> distributions(PipelineResult result) {
    return MetricsSnapshot.of(result, false).distributionFigures();
  }
}
