package dev.qdrantloader.runners.report;

import dev.qdrantloader.io.embedding.remote.RemoteEmbeddingConfig;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import java.util.Locale;

/** Fills a run report's {@link RunReport.Settings} from the effective configuration. */
public final class ReportSettings {
  private ReportSettings() {}

  /**
   * The settings of a run, the resource monitor's limits from {@code global.resources}.
   *
   * @see #of(IngestionConfig, EmbeddingPlan, String, int, double, double)
   */
  public static RunReport.Settings of(
      IngestionConfig config, EmbeddingPlan plan, String runner, int workers) {
    return of(
        config,
        plan,
        runner,
        workers,
        config.resources().maxHeapFraction(),
        config.resources().maxCpuFraction());
  }

  /**
   * The settings of a run.
   *
   * @param config the effective configuration
   * @param plan its embedding plan (request limits as the pipeline applies them)
   * @param runner {@code direct}, {@code spark}, {@code dataflow}, or the CLI's description such as
   *     {@code spark (local[4])}, whose master is kept
   * @param workers worker threads of the DirectRunner or of Spark local, 0 when unknown
   * @param maxHeapFraction the resource monitor's heap threshold ({@code
   *     global.resources.max_heap})
   * @param maxCpuFraction the resource monitor's CPU threshold ({@code global.resources.max_cpu})
   */
  public static RunReport.Settings of(
      IngestionConfig config,
      EmbeddingPlan plan,
      String runner,
      int workers,
      double maxHeapFraction,
      double maxCpuFraction) {
    String described = runner.strip();
    int paren = described.indexOf('(');
    String kind = (paren < 0 ? described : described.substring(0, paren)).strip();
    kind = kind.toLowerCase(Locale.ROOT);
    String master =
        paren < 0 || !described.endsWith(")")
            ? null
            : described.substring(paren + 1, described.length() - 1).strip();
    RemoteEmbeddingConfig remote = plan.remote();
    Integer chunkSize = config.chunking().chunkSize();
    long heap = Runtime.getRuntime().maxMemory();
    return new RunReport.Settings(
        kind,
        Math.max(0, workers),
        config.embedding().provider(),
        config.embedding().model(),
        plan.batchSize(),
        plan.maxRequestTokens() == Long.MAX_VALUE ? 0 : plan.maxRequestTokens(),
        remote == null ? 0 : remote.maxConcurrency(),
        remote == null ? 0 : remote.rpm(),
        remote == null ? 0 : remote.tpm(),
        chunkSize != null ? chunkSize : plan.window(),
        maxHeapFraction,
        maxCpuFraction,
        "spark".equals(kind) && master != null && !master.isEmpty() ? master : null,
        remote == null ? 0 : remote.timeoutMillis(),
        config.embedding().cache().enabled(),
        config.fileConversion().maxFileSize(),
        config.fileConversion().conversionTimeout().toSeconds(),
        heap == Long.MAX_VALUE ? 0 : heap);
  }
}
