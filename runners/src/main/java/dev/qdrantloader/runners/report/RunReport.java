package dev.qdrantloader.runners.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one ingest measured, as written to {@code <ws>/.qdrant-loader/runs/<run-id>.json}
 * (snake_case keys) and rendered into the HTML report beside it.
 *
 * @param reportVersion the file's format, {@value #VERSION}
 * @param runId the run's id (UTC start time)
 * @param started start, ISO-8601
 * @param ended end, ISO-8601
 * @param seconds wall time of the ingest command
 * @param status {@code succeeded}, {@code failed_documents} or {@code failed}
 * @param scope what the run covered ("all sources", "--project p --force", ...)
 * @param runner the runner as the CLI describes it
 * @param versions qdrant-loader, Beam, Java and OS versions
 * @param configDigest SHA-256 of the effective configuration as {@code config} prints it (secrets
 *     masked), so two runs' reports say whether they ran with the same settings
 * @param settings the settings that tuning advice reads
 * @param totals the summary's figures (documents listed/new/changed/..., chunks, points)
 * @param stages per-stage items, busy time, throughput and latency
 * @param counters every Beam counter by "Owner.name", summed over steps
 * @param distributions every Beam distribution by "Owner.name": sum, count, min, max
 * @param failureCounts failures by stage and reason
 * @param failures every failed document (or chunk)
 * @param timeline cumulative figures sampled during the run (empty when the runner gives no live
 *     metrics)
 * @param resources what the resource monitor saw and did
 * @param advice tuning advice, each with the figure that triggered it
 * @param profile the {@code --profile} recording, or null
 * @param error why the run failed (status {@code failed}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
    int reportVersion,
    String runId,
    String started,
    String ended,
    double seconds,
    String status,
    String scope,
    String runner,
    Map<String, String> versions,
    String configDigest,
    Settings settings,
    Map<String, Long> totals,
    List<StageFigures> stages,
    Map<String, Long> counters,
    Map<String, Map<String, Long>> distributions,
    List<FailureCount> failureCounts,
    List<FailureLine> failures,
    Timeline timeline,
    Resources resources,
    List<Advice> advice,
    ProfileSummary profile,
    String error) {

  public static final int VERSION = 1;

  /**
   * The settings a run's figures are read against (tuning advice names them). {@link
   * ReportSettings#of} fills it from the effective configuration.
   *
   * @param runner direct, spark or dataflow
   * @param workers worker threads of the DirectRunner or of Spark local (cores), or 0 when unknown
   * @param embeddingProvider local, openai, azure_openai or openai_compatible
   * @param embeddingModel the model
   * @param batchSize inputs per embedding request at most ({@code batch_size} for the local
   *     provider, {@code max_inputs_per_request} capped at 4096 for a remote one)
   * @param maxTokensPerRequest tokens per embedding request at most ({@code
   *     max_tokens_per_request}), 0 for local (no limit)
   * @param maxConcurrency requests in flight at most per JVM (remote providers), 0 for local
   * @param rpm requests per minute limit, 0 when none
   * @param tpm tokens per minute limit, 0 when none
   * @param chunkSize chunk size in tokens
   * @param maxHeapFraction the resource monitor's heap threshold, 0 when unknown
   * @param maxCpuFraction the resource monitor's CPU threshold, 0 when unknown
   * @param sparkMaster the Spark master ({@code local[4]}, {@code spark://host:7077}, ...) when the
   *     runner is spark and the master is known, else null
   * @param timeoutMillis a remote provider's timeout per request ({@code timeout}), 0 for local
   * @param cacheEnabled whether the on-disk vector cache is configured ({@code cache.enabled})
   * @param maxFileSize {@code global.file_conversion.max_file_size}, bytes
   * @param conversionTimeoutSeconds {@code global.file_conversion.conversion_timeout}, seconds
   * @param maxHeapBytes the heap limit of the JVM that ran the CLI (its {@code -Xmx}), 0 when
   *     unknown
   */
  public record Settings(
      String runner,
      int workers,
      String embeddingProvider,
      String embeddingModel,
      int batchSize,
      long maxTokensPerRequest,
      int maxConcurrency,
      int rpm,
      long tpm,
      int chunkSize,
      double maxHeapFraction,
      double maxCpuFraction,
      String sparkMaster,
      long timeoutMillis,
      boolean cacheEnabled,
      long maxFileSize,
      long conversionTimeoutSeconds,
      long maxHeapBytes) {}

  /**
   * One stage of the pipeline over the whole run.
   *
   * @param stage read, diff, convert, chunk, embed, write, commit, delete, sweep
   * @param unit what {@code items} counts (documents, chunks, points)
   * @param items how many it finished
   * @param busySeconds time spent in the stage's timed work, summed over threads (0 when the stage
   *     is not timed); for embed, the requests' latency summed (requests overlap)
   * @param shareOfBusy busySeconds over all stages' busySeconds
   * @param perSecond items per second of wall time
   * @param operations timed operations (documents converted, requests sent, upserts)
   * @param meanMillis mean latency of one operation
   * @param maxMillis longest operation
   */
  public record StageFigures(
      String stage,
      String unit,
      long items,
      double busySeconds,
      double shareOfBusy,
      double perSecond,
      long operations,
      double meanMillis,
      double maxMillis) {}

  /** Failures of one stage and one kind of reason. */
  public record FailureCount(String stage, String reason, long count) {}

  /** One failure as the summary lists it. */
  public record FailureLine(
      String stage, String projectId, String source, String path, String reason) {}

  /**
   * Cumulative figures sampled during the run.
   *
   * @param intervalSeconds the sampling interval
   * @param samples in time order
   */
  public record Timeline(double intervalSeconds, List<Sample> samples) {}

  /**
   * Cumulative figures at one moment.
   *
   * @param t seconds since the pipeline started
   * @param items items finished per stage so far
   * @param busySeconds busy time per stage so far
   * @param operations timed operations per stage so far
   * @param cpuLoad this process's CPU use, 0..1 of all cores (-1 when unknown)
   * @param heapUsedBytes heap in use
   * @param heapMaxBytes the heap's limit
   */
  public record Sample(
      double t,
      Map<String, Long> items,
      Map<String, Double> busySeconds,
      Map<String, Long> operations,
      double cpuLoad,
      long heapUsedBytes,
      long heapMaxBytes) {}

  /**
   * What the resource monitor saw and did.
   *
   * @param throttles times intake waited for headroom
   * @param throttledSeconds time intake waited, summed over threads
   * @param warnings the warnings it gave (once each)
   * @param peakCpuLoad highest CPU sample, 0..1 of all cores
   * @param peakHeapFraction highest heap sample, 0..1 of the heap's limit
   */
  public record Resources(
      long throttles,
      double throttledSeconds,
      List<String> warnings,
      double peakCpuLoad,
      double peakHeapFraction) {}

  /**
   * One piece of tuning advice.
   *
   * @param rule the rule's id (stable, for scripts)
   * @param advice the configuration change suggested
   * @param because the figure that triggered it
   */
  public record Advice(String rule, String advice, String because) {}

  /**
   * The {@code --profile} outputs.
   *
   * @param recording the JFR file
   * @param flameGraph the flame graph (HTML)
   * @param samples execution samples recorded
   * @param hotMethods the methods most often on top of the stack
   */
  public record ProfileSummary(
      String recording, String flameGraph, long samples, List<HotMethod> hotMethods) {}

  /** A method and the share of samples in which it was running (self time). */
  public record HotMethod(String method, long samples, double share) {}

  /** This report with {@code advice}. */
  public RunReport withAdvice(List<Advice> advice) {
    return new RunReport(
        reportVersion,
        runId,
        started,
        ended,
        seconds,
        status,
        scope,
        runner,
        versions,
        configDigest,
        settings,
        totals,
        stages,
        counters,
        distributions,
        failureCounts,
        failures,
        timeline,
        resources,
        advice,
        profile,
        error);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** Writes the report as pretty JSON. */
  public void write(Path file) {
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads a report written by {@link #write}. */
  public static RunReport read(Path file) {
    try {
      return JSON.readValue(file.toFile(), RunReport.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run report " + file, e);
    }
  }
}
