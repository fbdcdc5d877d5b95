package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.embedding.cache.MvStoreVectorCache;
import dev.qdrantloader.io.embedding.cache.MvStoreVectorCacheFactory;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import java.io.PrintWriter;

/** The workspace's embedding plan, with a remote provider asked for one vector first. */
final class Probe {
  private Probe() {}

  /**
   * Resolves the plan; for a remote provider sends one request before anything is written, so a
   * wrong key, URL, model or vector size is an error naming the setting, not a failed run.
   */
  static EmbeddingPlan embedding(IngestionConfig config, PrintWriter out) {
    EmbeddingPlan plan = EmbeddingPlan.of(config);
    if (plan.persistentCache() instanceof MvStoreVectorCacheFactory cache) {
      try (MvStoreVectorCache c = cache.open()) {
        if (!c.available()) {
          out.println("note: the embedding cache is not used this run: " + c.problem());
        }
      }
    }
    if (!plan.isRemote()) {
      return plan;
    }
    EmbeddingPlan probed = plan.probed();
    out.println(
        "Embedding with "
            + plan.remote().describe()
            + ": "
            + probed.vectorSize()
            + "-d vectors (checked with one request)");
    return probed;
  }
}
