package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.pipelines.EmbeddingPlan;
import dev.qdrantloader.pipelines.IngestionJob;
import dev.qdrantloader.pipelines.IngestionJobs;
import dev.qdrantloader.pipelines.IngestionPipeline;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.WorkspaceConfig;
import dev.qdrantloader.runners.cli.DirectRun;
import dev.qdrantloader.runners.cli.QdrantTarget;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * The overhead scenario: the ingest pipeline exactly as {@code qdrant-loader ingest} builds it on
 * the DirectRunner (read, convert, chunk with the model's tokenizer, batch, write to the embedded
 * Qdrant), with the model swapped for a zero-cost hash embedder.
 *
 * <p>{@code OverheadRun --workspace DIR --out FILE}
 */
public final class OverheadRun {
  private OverheadRun() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args, "--workspace", "--out");
    Path workspace = Path.of(a.get("--workspace"));
    IngestionConfig config = WorkspaceConfig.load(workspace);
    EmbeddingPlan model = EmbeddingPlan.of(config);
    Path runDir = Files.createTempDirectory("overhead-run");
    try (QdrantTarget target = QdrantTarget.open(config)) {
      QdrantCollections.ensure(
          target.client(), config.qdrant().collectionName(), model.vectorSize(), "hash");
      dev.qdrantloader.io.qdrant.QdrantManifest.ensure(
          target.client(), config.qdrant().collectionName());
      IngestionJob job =
          IngestionJobs.plan(
                  config,
                  target.connection(),
                  Instant.now().toString(),
                  runDir.resolve("failures").toString())
              .job();
      IngestionJob hashed =
          DirectRun.tune(
              job.withEmbedder(new HashEmbedderFactory(model.vectorSize(), model.window())));
      Pipeline pipeline = DirectRun.create();
      IngestionPipeline.buildPipeline(pipeline, hashed);
      long t0 = System.nanoTime();
      PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("pipeline_seconds", seconds);
      Map<String, Long> counters = DirectRun.counters(result);
      json.put("chunks", counters.getOrDefault("ChunkDocuments.chunks_emitted", 0L));
      json.put("points_written", counters.getOrDefault("QdrantIO.points_upserted", 0L));
      json.put("counters", new TreeMap<>(counters));
      json.put("distributions", DirectRun.distributions(result));
      new ObjectMapper()
          .writerWithDefaultPrettyPrinter()
          .writeValue(new File(a.get("--out")), json);
      System.out.printf(
          "overhead: %d chunks in %.1f s = %.0f chunks/s%n",
          (Long) json.get("chunks"), seconds, (Long) json.get("chunks") / seconds);
    }
  }
}
