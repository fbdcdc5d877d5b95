package dev.qdrantloader.runners.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each rule fires on a run crafted for it (one figure moved from a balanced run) and stays silent
 * just under its threshold; balanced and small runs get no advice.
 */
class TuningAdviceTest {

  /**
   * A run to vary one figure at a time. Starts balanced: a remote provider on the DirectRunner with
   * 8 threads, 300 s, 5,000 files, 40,000 chunks in 400 requests of 100 inputs and 30,000 tokens,
   * embedding 72% of busy time with 6 requests in flight on average (max_concurrency 16), no 429, a
   * few failures of mixed kinds, no heap pressure.
   */
  private static final class Run {
    String runner = "direct";
    String sparkMaster = null;
    int workers = 8;
    String provider = "openai";
    String model = "text-embedding-3-small";
    int batchSize = 2048;
    long maxTokensPerRequest = 300_000;
    int maxConcurrency = 16;
    int rpm = 0;
    long tpm = 0;
    long timeoutMillis = 60_000;
    boolean cacheEnabled = false;
    long maxHeapBytes = 4L << 30;
    double maxHeapFraction = 0.85;

    double seconds = 300;
    final Map<String, Long> counters = new LinkedHashMap<>();
    final Map<String, Map<String, Long>> distributions = new LinkedHashMap<>();

    /** Busy seconds per stage; embed's is the requests' latency summed (embed_millis). */
    final Map<String, Double> busy = new LinkedHashMap<>();

    long throttles = 2;
    double throttledSeconds = 0.5;
    double peakCpu = 0.7;
    double peakHeap = 0.6;
    final List<RunReport.FailureLine> failures = new ArrayList<>();

    Run() {
      counters.put("ReadDocuments.documents_listed", 5_000L);
      counters.put("ReadDocuments.documents_read", 5_000L);
      counters.put("EmbedChunks.embedding_calls", 400L);
      counters.put("EmbedChunks.embedding_inputs", 40_000L);
      counters.put("EmbedChunks.embedding_tokens", 12_000_000L);
      counters.put("EmbedChunks.embedding_retries", 2L);
      counters.put("EmbedChunks.embedding_throttled", 0L);
      counters.put("EmbedChunks.embeddings_computed", 40_000L);
      counters.put("EmbedChunks.cache_hits", 2_000L);
      counters.put("EmbedChunks.cache_misses", 40_000L);
      counters.put("ResourceMonitor.throttles", 2L);
      counters.put("ResourceMonitor.throttled_millis", 500L);
      counters.put("ResourceMonitor.heap_warnings", 0L);
      distribution("EmbedChunks.batch_size", 40_000, 400, 16, 128);
      distribution("EmbedChunks.embed_millis", 1_800_000, 400, 900, 12_000);
      busy.put("read", 20.0);
      busy.put("convert", 400.0);
      busy.put("chunk", 200.0);
      busy.put("write", 80.0);
      fail("convert", "a/scan.pdf", "no extractable text (scanned or image-only PDF?)");
      fail("convert", "b/broken.docx", "corrupt or unreadable DOCX: bad zip");
      fail(
          "read",
          "c/huge.pdf",
          "file is 90000000 bytes, over the source's max_file_size of 52428800 bytes");
    }

    Run counter(String name, long value) {
      counters.put(name, value);
      return this;
    }

    Run distribution(String name, long sum, long count, long min, long max) {
      Map<String, Long> d = new LinkedHashMap<>();
      d.put("sum", sum);
      d.put("count", count);
      d.put("min", min);
      d.put("max", max);
      distributions.put(name, d);
      return this;
    }

    /** Sets the requests' latency summed, which is also the embed stage's busy time. */
    Run embedSeconds(double s) {
      Map<String, Long> d = distributions.get("EmbedChunks.embed_millis");
      d.put("sum", Math.round(s * 1000));
      return this;
    }

    Run batchMean(long mean) {
      long count = counters.get("EmbedChunks.embedding_calls");
      return distribution("EmbedChunks.batch_size", mean * count, count, 1, 2 * mean);
    }

    Run slowestRequestMillis(long max) {
      distributions.get("EmbedChunks.embed_millis").put("max", max);
      return this;
    }

    Run local() {
      provider = "local";
      model = "all-minilm-l6-v2-q";
      batchSize = 32;
      maxTokensPerRequest = 0;
      maxConcurrency = 0;
      timeoutMillis = 0;
      return this;
    }

    Run fail(String stage, String path, String reason) {
      failures.add(new RunReport.FailureLine(stage, "docs", "handbook", path, reason));
      return this;
    }

    Run failMany(int n, String stage, String reason) {
      for (int i = 0; i < n; i++) {
        fail(stage, "many/" + i, reason);
      }
      return this;
    }

    RunReport report() {
      Map<String, Double> stageBusy = new LinkedHashMap<>(busy);
      stageBusy.put("embed", distributions.get("EmbedChunks.embed_millis").get("sum") / 1000.0);
      double total = stageBusy.values().stream().mapToDouble(Double::doubleValue).sum();
      List<RunReport.StageFigures> stages = new ArrayList<>();
      stageBusy.forEach(
          (stage, b) ->
              stages.add(
                  new RunReport.StageFigures(stage, "items", 100, b, b / total, 1, 100, 10, 100)));
      RunReport.Settings settings =
          new RunReport.Settings(
              runner,
              workers,
              provider,
              model,
              batchSize,
              maxTokensPerRequest,
              maxConcurrency,
              rpm,
              tpm,
              512,
              maxHeapFraction,
              0.9,
              sparkMaster,
              timeoutMillis,
              cacheEnabled,
              52_428_800L,
              300,
              maxHeapBytes);
      return new RunReport(
          RunReport.VERSION,
          "20260101T000000Z",
          "2026-01-01T00:00:00Z",
          "2026-01-01T00:05:00Z",
          seconds,
          failures.isEmpty() ? "succeeded" : "failed_documents",
          "all sources",
          runner,
          Map.of(),
          "digest",
          settings,
          Map.of(),
          stages,
          counters,
          distributions,
          List.of(),
          failures,
          null,
          new RunReport.Resources(throttles, throttledSeconds, List.of(), peakCpu, peakHeap),
          List.of(),
          null,
          null);
    }

    List<RunReport.Advice> advice() {
      return TuningAdvice.advise(report());
    }
  }

  private static List<String> rules(List<RunReport.Advice> advice) {
    return advice.stream().map(RunReport.Advice::rule).toList();
  }

  /** Exactly one piece of advice, from {@code rule}; returns it. */
  private static RunReport.Advice only(String rule, Run run) {
    List<RunReport.Advice> advice = run.advice();
    assertEquals(List.of(rule), rules(advice), () -> advice.toString());
    return advice.get(0);
  }

  private static void silent(Run run) {
    List<RunReport.Advice> advice = run.advice();
    assertEquals(List.of(), advice, () -> advice.toString());
  }

  private static void contains(String text, String part) {
    assertTrue(text.contains(part), () -> "expected `" + part + "` in: " + text);
  }

  @Test
  void balancedRemoteRunGetsNoAdvice() {
    silent(new Run());
  }

  @Test
  void balancedLocalRunGetsNoAdvice() {
    silent(new Run().local().embedSeconds(300));
  }

  @Test
  void smallRunGetsNoAdviceWhateverItsRatios() {
    Run tiny = new Run();
    tiny.seconds = 4;
    tiny.counter("ReadDocuments.documents_listed", 12)
        .counter("EmbedChunks.embedding_calls", 6)
        .counter("EmbedChunks.embedding_throttled", 3)
        .counter("EmbedChunks.embedding_retries", 4)
        .counter("EmbedChunks.cache_hits", 30)
        .counter("EmbedChunks.cache_misses", 40)
        .distribution("EmbedChunks.embed_millis", 3_900, 6, 100, 59_000);
    tiny.throttles = 5;
    tiny.throttledSeconds = 3;
    tiny.peakHeap = 0.95;
    tiny.maxConcurrency = 1;
    tiny.failures.clear();
    tiny.failMany(8, "read", "file is 9 bytes, over the source's max_file_size of 8 bytes");
    silent(tiny);
  }

  @Test
  void reportWithoutSettingsOrFiguresGetsNoAdvice() {
    RunReport bare =
        new RunReport(
            1, "r", "s", "e", 100, "failed", "all", "direct", null, null, null, null, null, null,
            null, null, null, null, null, null, null, null);
    assertEquals(List.of(), TuningAdvice.advise(bare));
  }

  @Test
  void ruleIdsAreUnique() {
    List<String> ids = TuningAdvice.ruleIds();
    assertEquals(ids.size(), new HashSet<>(ids).size(), ids::toString);
    assertEquals(9, ids.size());
  }

  // embedding-throttled

  @Test
  void throttledRequestsWithoutLimitsAdviseSettingRpmAndTpm() {
    RunReport.Advice a =
        only(EmbeddingRules.Throttled.ID, new Run().counter("EmbedChunks.embedding_throttled", 12));
    contains(a.advice(), "set global.embedding.rpm and tpm");
    contains(a.because(), "12 of 400 embedding requests (3.0%) were answered 429");
    contains(a.because(), "80 requests/min and 2,400,000 tokens/min");
  }

  @Test
  void throttledRequestsWithLimitsAdviseLoweringThem() {
    Run run = new Run().counter("EmbedChunks.embedding_throttled", 8);
    run.rpm = 3000;
    RunReport.Advice a = only(EmbeddingRules.Throttled.ID, run);
    assertEquals(
        "lower global.embedding.rpm from 3000 to stay under the provider's limits (per JVM),"
            + " or max_concurrency from 16 to 8",
        a.advice());
    contains(a.because(), "8 of 400 embedding requests (2.0%)");
  }

  @Test
  void throttledJustUnderTwoPercentIsSilent() {
    silent(new Run().counter("EmbedChunks.embedding_throttled", 7));
  }

  // concurrency-limited

  @Test
  void requestsAtTheConcurrencyCapAdviseRaisingIt() {
    Run run = new Run();
    run.maxConcurrency = 8;
    RunReport.Advice a = only(EmbeddingRules.ConcurrencyLimited.ID, run);
    assertEquals("raise global.embedding.max_concurrency from 8 to 16", a.advice());
    contains(a.because(), "embedding was 72% of busy time with 6.0 requests in flight");
    contains(a.because(), "(max_concurrency 8) and no 429 in 400 requests");
  }

  @Test
  void inFlightJustUnderSixtyPercentOfTheCapIsSilent() {
    Run run = new Run().embedSeconds(1_770);
    run.maxConcurrency = 10;
    silent(run);
    only(EmbeddingRules.ConcurrencyLimited.ID, run.embedSeconds(1_800));
  }

  @Test
  void concurrencyIsNotAdvisedOnAClusterWhereTheCapIsPerWorker() {
    Run run = new Run();
    run.maxConcurrency = 8;
    run.runner = "spark";
    run.sparkMaster = "spark://10.0.0.1:7077";
    silent(run);
  }

  // embedding-underfed

  @Test
  void fewRequestsInFlightAdviseMoreWorkerThreads() {
    RunReport.Advice a = only(EmbeddingRules.Underfed.ID, new Run().embedSeconds(1_140));
    assertEquals(
        "run more worker threads: QDRANT_LOADER_JAVA_OPTS=\"-Xmx4g -DqdrantLoader.threads=16\"",
        a.advice());
    contains(a.because(), "only 3.8 requests were in flight on average (max_concurrency 16");
  }

  @Test
  void fewRequestsInFlightOnSparkLocalAdviseMoreSparkThreads() {
    Run run = new Run().embedSeconds(1_140);
    run.runner = "spark";
    run.sparkMaster = "local[8]";
    RunReport.Advice a = only(EmbeddingRules.Underfed.ID, run);
    assertEquals("run Spark local on more threads: --spark-master local[16]", a.advice());
  }

  @Test
  void inFlightAtAQuarterOfTheCapIsSilent() {
    silent(new Run().embedSeconds(1_200));
  }

  // local-model-bound

  @Test
  void localModelDominatingAdvisesARemoteProviderOrACluster() {
    RunReport.Advice a = only(EmbeddingRules.LocalModelBound.ID, new Run().local());
    contains(a.advice(), "set global.embedding.provider to a remote API");
    contains(a.advice(), "--runner spark");
    assertEquals(
        "embedding was 72% of busy time (1,800 s on 8 threads, 133.3 chunks/s); CPU peaked at 70%",
        a.because());
  }

  @Test
  void localModelJustUnderSeventyPercentIsSilent() {
    silent(new Run().local().embedSeconds(1_550));
  }

  // heap-throttled

  @Test
  void heapThrottlingAdvisesALargerHeap() {
    Run run = new Run();
    run.throttles = 312;
    run.throttledSeconds = 150;
    run.peakHeap = 0.93;
    RunReport.Advice a = only(HeapRule.ID, run);
    assertEquals("raise the heap: QDRANT_LOADER_JAVA_OPTS=\"-Xmx8g\" (now -Xmx4g)", a.advice());
    assertEquals(
        "intake waited 150 s in 312 throttles (6.3% of 8 threads x 300 s); the heap peaked at 93%"
            + " of 4g (max_heap 0.85)",
        a.because());
  }

  @Test
  void heapThrottlingOnDataflowAdvisesBiggerWorkers() {
    Run run = new Run();
    run.runner = "dataflow";
    run.throttles = 312;
    run.throttledSeconds = 150;
    run.counter("ResourceMonitor.heap_warnings", 1);
    contains(only(HeapRule.ID, run).advice(), "--pipeline-option=--workerMachineType=");
  }

  @Test
  void throttlingJustUnderFivePercentIsSilent() {
    Run run = new Run();
    run.throttles = 312;
    run.throttledSeconds = 119;
    run.peakHeap = 0.93;
    silent(run);
    run.throttledSeconds = 120;
    only(HeapRule.ID, run);
  }

  @Test
  void throttlingWithoutHeapPressureIsNotAHeapProblem() {
    Run run = new Run();
    run.throttles = 312;
    run.throttledSeconds = 150;
    run.peakHeap = 0.84;
    silent(run);
  }

  // embedding-timeouts

  @Test
  void requestsNearTheTimeoutAdviseRaisingIt() {
    RunReport.Advice a =
        only(
            EmbeddingRules.Timeouts.ID,
            new Run().counter("EmbedChunks.embedding_retries", 20).slowestRequestMillis(58_000));
    assertEquals(
        "raise global.embedding.timeout from 60s to 120s, or lower max_inputs_per_request"
            + " (requests averaged 100 inputs)",
        a.advice());
    contains(a.because(), "20 of 400 requests (5.0%) were retried after faults other than 429");
    contains(a.because(), "the slowest took 58.0 s of the 60s timeout");
  }

  @Test
  void retriesFarFromTheTimeoutAreSilent() {
    silent(new Run().counter("EmbedChunks.embedding_retries", 20).slowestRequestMillis(53_900));
    silent(new Run().counter("EmbedChunks.embedding_retries", 7).slowestRequestMillis(58_000));
  }

  // small-requests

  @Test
  void requestsCutByTheTokenCapAdviseRaisingIt() {
    Run run = new Run().batchMean(14).counter("EmbedChunks.embedding_tokens", 400L * 7_000);
    run.maxTokensPerRequest = 8_192;
    RunReport.Advice a = only(EmbeddingRules.SmallRequests.ID, run);
    assertEquals(
        "raise global.embedding.max_tokens_per_request from 8192, as far as the provider accepts",
        a.advice());
    assertEquals(
        "requests averaged 14.0 inputs (up to 128 intended) and 7,000 tokens, 85% of"
            + " max_tokens_per_request",
        a.because());
  }

  @Test
  void requestsUnderEightyPercentOfTheTokenCapAreSilent() {
    Run run = new Run().batchMean(14).counter("EmbedChunks.embedding_tokens", 400L * 6_500);
    run.maxTokensPerRequest = 8_192;
    silent(run);
  }

  // repeated-texts

  @Test
  void manyRepeatedTextsAdviseThePersistentCache() {
    RunReport.Advice a =
        only(EmbeddingRules.RepeatedTexts.ID, new Run().counter("EmbedChunks.cache_hits", 12_000));
    assertEquals(
        "set global.embedding.cache.enabled: true, so later runs take repeated texts from disk"
            + " instead of the provider",
        a.advice());
    assertEquals(
        "23% of chunk texts (12,000 of 52,000) repeated a text already embedded in this run",
        a.because());
  }

  @Test
  void repeatedTextsJustUnderTwentyPercentOrWithTheCacheOnAreSilent() {
    silent(new Run().counter("EmbedChunks.cache_hits", 9_900));
    Run cached = new Run().counter("EmbedChunks.cache_hits", 12_000);
    cached.cacheEnabled = true;
    silent(cached);
  }

  // failing-files

  @Test
  void manyOversizedFilesAdviseRaisingMaxFileSize() {
    Run run =
        new Run()
            .failMany(
                299,
                "read",
                "file is 60000000 bytes, over the source's max_file_size of 52428800 bytes");
    RunReport.Advice a = only(FailingFilesRule.ID, run);
    assertEquals(
        "raise max_file_size to 90000000 (global.file_conversion and the source's), or leave"
            + " these files out with exclude_paths or file_types",
        a.advice());
    assertEquals(
        "300 files (6.0% of those listed) were over max_file_size (52,428,800 bytes); the largest"
            + " has 90,000,000 bytes",
        a.because());
  }

  @Test
  void manyTimeoutsAndTextlessFilesGiveOneAdviceEachMostFrequentFirst() {
    Run run =
        new Run()
            .failMany(260, "convert", "conversion timed out after 300 s")
            .failMany(300, "convert", "unsupported binary format (image/png): no extractable text");
    List<RunReport.Advice> advice = run.advice();
    assertEquals(List.of(FailingFilesRule.ID, FailingFilesRule.ID), rules(advice));
    contains(advice.get(0).advice(), "narrow the sources' file_types");
    assertEquals(
        "301 files (6.0% of those listed) had no text to extract, most often: unsupported binary"
            + " format (image/png): no extractable text",
        advice.get(0).because());
    assertEquals(
        "raise global.file_conversion.conversion_timeout from 300s to 600s, or leave these files"
            + " out with exclude_paths",
        advice.get(1).advice());
    contains(advice.get(1).because(), "260 files (5.2% of those listed) timed out converting");
  }

  @Test
  void failuresJustUnderFivePercentOfTheFilesAreSilent() {
    silent(new Run().failMany(249, "convert", "conversion timed out after 300 s"));
  }

  @Test
  void failuresConfigurationCannotAvoidAreSilent() {
    silent(new Run().failMany(400, "convert", "corrupt or unreadable PDF: bad xref"));
  }

  // order

  @Test
  void adviceComesMostImpactFirst() {
    Run run =
        new Run()
            .failMany(300, "convert", "conversion timed out after 300 s")
            .counter("EmbedChunks.embedding_throttled", 40)
            .counter("EmbedChunks.cache_hits", 12_000);
    assertEquals(
        List.of(EmbeddingRules.Throttled.ID, EmbeddingRules.RepeatedTexts.ID, FailingFilesRule.ID),
        rules(run.advice()));
  }
}
