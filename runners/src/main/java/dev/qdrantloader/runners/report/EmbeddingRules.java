package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.AdviceText.configSeconds;
import static dev.qdrantloader.runners.report.AdviceText.count;
import static dev.qdrantloader.runners.report.AdviceText.decimal;
import static dev.qdrantloader.runners.report.AdviceText.percent;

import java.util.ArrayList;
import java.util.List;

/**
 * Tuning rules over the embedding step's figures (namespace {@code EmbedChunks}): how hard a remote
 * provider was driven, and whether a local model held the run back.
 */
final class EmbeddingRules {
  private EmbeddingRules() {}

  static final String CALLS = "EmbedChunks.embedding_calls";
  static final String THROTTLED = "EmbedChunks.embedding_throttled";
  static final String RETRIES = "EmbedChunks.embedding_retries";
  static final String TOKENS = "EmbedChunks.embedding_tokens";
  static final String COMPUTED = "EmbedChunks.embeddings_computed";
  static final String HITS = "EmbedChunks.cache_hits";
  static final String MISSES = "EmbedChunks.cache_misses";
  static final String MILLIS = "EmbedChunks.embed_millis";
  static final String BATCH = "EmbedChunks.batch_size";

  /** Rules reading shares of busy time need a run at least this long (seconds of wall time). */
  static final double MIN_SECONDS = 30;

  /** Rules reading request figures need at least this many requests. */
  static final long MIN_REQUESTS = 50;

  /** The most in flight the configuration accepts ({@code max_concurrency}). */
  static final int MAX_CONCURRENCY = 1024;

  /** EmbedChunks never splits a full batch into requests smaller than this. */
  static final int MIN_SPLIT = 16;

  private static RunReport.Advice advice(String rule, String advice, String because) {
    return new RunReport.Advice(rule, advice, because);
  }

  /**
   * Requests in flight on average over the run, by Little's law: the requests' latencies summed
   * over the wall time. Counts only time on the wire, not time waiting for a slot.
   */
  static double averageInFlight(RunFigures run) {
    return run.seconds() <= 0 ? 0 : run.dist(MILLIS).sum() / 1000.0 / run.seconds();
  }

  /**
   * {@code embedding-throttled}: at least 2% of the requests (and at least 5, out of at least 20)
   * were answered 429. Advises setting {@code rpm}/{@code tpm} when neither is set, else lowering
   * them or {@code max_concurrency}.
   */
  static final class Throttled implements TuningAdvice.Rule {
    static final String ID = "embedding-throttled";
    static final long MIN_CALLS = 20;
    static final long MIN_THROTTLED = 5;
    static final double MIN_SHARE = 0.02;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      long calls = run.counter(CALLS);
      long throttled = run.counter(THROTTLED);
      if (!run.remote()
          || calls < MIN_CALLS
          || throttled < MIN_THROTTLED
          || throttled < MIN_SHARE * calls) {
        return List.of();
      }
      RunReport.Settings s = run.settings();
      String because =
          count(throttled)
              + " of "
              + count(calls)
              + " embedding requests ("
              + percent((double) throttled / calls)
              + ") were answered 429";
      if (run.seconds() > 0) {
        because +=
            "; the run sent "
                + count(calls * 60 / run.seconds())
                + " requests/min and "
                + count(run.counter(TOKENS) * 60 / run.seconds())
                + " tokens/min";
      }
      String change;
      if (s.rpm() == 0 && s.tpm() == 0) {
        change =
            "set global.embedding.rpm and tpm to the provider's limits (they apply per JVM: on a"
                + " cluster, divide by the workers)";
      } else {
        List<String> set = new ArrayList<>();
        if (s.rpm() > 0) {
          set.add("rpm from " + s.rpm());
        }
        if (s.tpm() > 0) {
          set.add("tpm from " + s.tpm());
        }
        change =
            "lower global.embedding."
                + String.join(" and ", set)
                + " to stay under the provider's limits (per JVM)";
        if (s.maxConcurrency() > 1) {
          change +=
              ", or max_concurrency from "
                  + s.maxConcurrency()
                  + " to "
                  + Math.max(1, s.maxConcurrency() / 2);
        }
      }
      return List.of(advice(ID, change, because));
    }
  }

  /**
   * {@code concurrency-limited}: a remote provider in one JVM (DirectRunner or Spark local), no
   * 429, embedding at least 60% of busy time, and on average at least 60% of {@code
   * max_concurrency} requests in flight over the run (at least 50 requests, 30 s): the cap, not the
   * provider, set the pace. Advises doubling {@code max_concurrency}.
   */
  static final class ConcurrencyLimited implements TuningAdvice.Rule {
    static final String ID = "concurrency-limited";
    static final double MIN_EMBED_SHARE = 0.6;
    static final double MIN_IN_FLIGHT = 0.6;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      if (!drivenAlone(run)) {
        return List.of();
      }
      int cap = run.settings().maxConcurrency();
      double inFlight = averageInFlight(run);
      if (cap >= MAX_CONCURRENCY || inFlight < MIN_IN_FLIGHT * cap) {
        return List.of();
      }
      return List.of(
          advice(
              ID,
              "raise global.embedding.max_concurrency from "
                  + cap
                  + " to "
                  + Math.min(MAX_CONCURRENCY, 2 * cap),
              "embedding was "
                  + percent(run.share("embed"))
                  + " of busy time with "
                  + decimal(inFlight)
                  + " requests in flight on average (max_concurrency "
                  + cap
                  + ") and no 429 in "
                  + count(run.counter(CALLS))
                  + " requests"));
    }
  }

  /**
   * {@code embedding-underfed}: like {@code concurrency-limited}, but under 25% of {@code
   * max_concurrency} requests in flight on average: the worker threads did not produce chunks fast
   * enough to keep the provider busy (each waits for its bundle's requests). Advises twice the
   * worker threads: {@code -DqdrantLoader.threads} for the DirectRunner, {@code --spark-master
   * local[N]} for Spark local.
   */
  static final class Underfed implements TuningAdvice.Rule {
    static final String ID = "embedding-underfed";
    static final double MAX_IN_FLIGHT = 0.25;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      if (!drivenAlone(run) || run.settings().workers() < 1) {
        return List.of();
      }
      RunReport.Settings s = run.settings();
      double inFlight = averageInFlight(run);
      if (inFlight >= MAX_IN_FLIGHT * s.maxConcurrency()) {
        return List.of();
      }
      int threads = 2 * s.workers();
      String change =
          run.direct()
              ? "run more worker threads: "
                  + AdviceText.javaOpts(s, "-DqdrantLoader.threads=" + threads)
              : "run Spark local on more threads: --spark-master local[" + threads + "]";
      return List.of(
          advice(
              ID,
              change,
              "embedding was "
                  + percent(run.share("embed"))
                  + " of busy time but only "
                  + decimal(inFlight)
                  + " requests were in flight on average (max_concurrency "
                  + s.maxConcurrency()
                  + ", "
                  + s.workers()
                  + " worker threads), with no 429"));
    }
  }

  /**
   * What {@code concurrency-limited} and {@code embedding-underfed} share: a remote provider in one
   * JVM (so {@code max_concurrency} is the whole run's cap), at least 50 requests over 30 s, no
   * 429, embedding at least 60% of busy time.
   */
  private static boolean drivenAlone(RunFigures run) {
    return run.remote()
        && run.oneJvm()
        && run.settings().maxConcurrency() > 0
        && run.seconds() >= MIN_SECONDS
        && run.counter(CALLS) >= MIN_REQUESTS
        && run.counter(THROTTLED) == 0
        && run.share("embed") >= ConcurrencyLimited.MIN_EMBED_SHARE;
  }

  /**
   * {@code local-model-bound}: the local model in one JVM took at least 70% of busy time and at
   * least 60 s of it: the machine's cores are the limit. Advises a remote provider or a Spark
   * cluster.
   */
  static final class LocalModelBound implements TuningAdvice.Rule {
    static final String ID = "local-model-bound";
    static final double MIN_EMBED_SHARE = 0.7;
    static final double MIN_EMBED_SECONDS = 60;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      double share = run.share("embed");
      double busy = run.busySeconds("embed");
      if (!run.local()
          || !run.oneJvm()
          || share < MIN_EMBED_SHARE
          || busy < MIN_EMBED_SECONDS
          || run.seconds() < MIN_SECONDS) {
        return List.of();
      }
      RunReport.Settings s = run.settings();
      String because =
          "embedding was "
              + percent(share)
              + " of busy time ("
              + count(busy)
              + " s"
              + (s.workers() > 0 ? " on " + s.workers() + " threads" : "")
              + ", "
              + decimal(run.counter(COMPUTED) / run.seconds())
              + " chunks/s)";
      RunReport.Resources r = run.resources();
      if (r != null && r.peakCpuLoad() > 0) {
        because += "; CPU peaked at " + percent(r.peakCpuLoad());
      }
      return List.of(
          advice(
              ID,
              "the local model is the limit: set global.embedding.provider to a remote API"
                  + " (openai, azure_openai or openai_compatible; another model needs init --force),"
                  + " or run on a Spark cluster (spark-submit ... ingest --runner spark)",
              because));
    }
  }

  /**
   * {@code embedding-timeouts}: at least 2% of the requests (and at least 5, out of at least 20)
   * were retried after faults other than 429, and the slowest request took at least 90% of {@code
   * timeout}: requests time out. Advises doubling {@code timeout} (or smaller requests).
   */
  static final class Timeouts implements TuningAdvice.Rule {
    static final String ID = "embedding-timeouts";
    static final long MIN_CALLS = 20;
    static final long MIN_FAULTS = 5;
    static final double MIN_SHARE = 0.02;
    static final double NEAR_TIMEOUT = 0.9;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      long calls = run.counter(CALLS);
      long faults = Math.max(0, run.counter(RETRIES) - run.counter(THROTTLED));
      if (!run.remote() || run.settings().timeoutMillis() <= 0) {
        return List.of();
      }
      long timeout = run.settings().timeoutMillis();
      long slowest = run.dist(MILLIS).max();
      if (calls < MIN_CALLS
          || faults < MIN_FAULTS
          || faults < MIN_SHARE * calls
          || slowest < NEAR_TIMEOUT * timeout) {
        return List.of();
      }
      String change =
          "raise global.embedding.timeout from "
              + configSeconds(timeout / 1000.0)
              + " to "
              + configSeconds(2 * timeout / 1000.0);
      double inputs = run.dist(BATCH).mean();
      if (inputs >= 2 * MIN_SPLIT) {
        change +=
            ", or lower max_inputs_per_request (requests averaged " + count(inputs) + " inputs)";
      }
      return List.of(
          advice(
              ID,
              change,
              count(faults)
                  + " of "
                  + count(calls)
                  + " requests ("
                  + percent((double) faults / calls)
                  + ") were retried after faults other than 429, and the slowest took "
                  + decimal(slowest / 1000.0)
                  + " s of the "
                  + configSeconds(timeout / 1000.0)
                  + " timeout"));
    }
  }

  /**
   * {@code small-requests}: requests averaged under half the inputs EmbedChunks aims for ({@code
   * max_inputs_per_request} spread over {@code max_concurrency}, at least 16) while their tokens
   * averaged at least 80% of {@code max_tokens_per_request} (at least 50 requests, under 2% of them
   * throttled, which shrinks requests on purpose): the token cap cut them. Advises raising {@code
   * max_tokens_per_request}.
   */
  static final class SmallRequests implements TuningAdvice.Rule {
    static final String ID = "small-requests";
    static final double MAX_FILL = 0.5;
    static final double MIN_TOKEN_FILL = 0.8;

    @Override
    public String id() {
      return ID;
    }

    /** Inputs per request EmbedChunks aims for (its {@code requestSize}). */
    static int intended(RunReport.Settings s) {
      int max = s.batchSize();
      int slots = Math.max(1, s.maxConcurrency());
      if (slots <= 1) {
        return max;
      }
      return Math.min(max, Math.max(MIN_SPLIT, (max + slots - 1) / slots));
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      long calls = run.counter(CALLS);
      if (!run.remote()
          || run.settings().maxTokensPerRequest() <= 0
          || calls < MIN_REQUESTS
          || run.counter(THROTTLED) >= Throttled.MIN_SHARE * calls) {
        return List.of();
      }
      RunReport.Settings s = run.settings();
      double inputs = run.dist(BATCH).mean();
      double tokens = (double) run.counter(TOKENS) / calls;
      int intended = intended(s);
      if (inputs >= MAX_FILL * intended || tokens < MIN_TOKEN_FILL * s.maxTokensPerRequest()) {
        return List.of();
      }
      return List.of(
          advice(
              ID,
              "raise global.embedding.max_tokens_per_request from "
                  + s.maxTokensPerRequest()
                  + ", as far as the provider accepts",
              "requests averaged "
                  + decimal(inputs)
                  + " inputs (up to "
                  + intended
                  + " intended) and "
                  + count(tokens)
                  + " tokens, "
                  + percent(tokens / s.maxTokensPerRequest())
                  + " of max_tokens_per_request"));
    }
  }

  /**
   * {@code repeated-texts}: a remote provider, the on-disk cache off, one JVM (where the cache is
   * used), and at least 20% of at least 1,000 chunk lookups were texts already embedded in the run:
   * such texts (boilerplate, copies) tend to come back. Advises {@code cache.enabled: true}.
   */
  static final class RepeatedTexts implements TuningAdvice.Rule {
    static final String ID = "repeated-texts";
    static final long MIN_LOOKUPS = 1000;
    static final double MIN_HIT_RATE = 0.2;

    @Override
    public String id() {
      return ID;
    }

    @Override
    public List<RunReport.Advice> advise(RunFigures run) {
      long hits = run.counter(HITS);
      long lookups = hits + run.counter(MISSES);
      if (!run.remote()
          || run.settings().cacheEnabled()
          || !run.oneJvm()
          || lookups < MIN_LOOKUPS
          || hits < MIN_HIT_RATE * lookups) {
        return List.of();
      }
      return List.of(
          advice(
              ID,
              "set global.embedding.cache.enabled: true, so later runs take repeated texts from"
                  + " disk instead of the provider",
              percent((double) hits / lookups)
                  + " of chunk texts ("
                  + count(hits)
                  + " of "
                  + count(lookups)
                  + ") repeated a text already embedded in this run"));
    }
  }
}
