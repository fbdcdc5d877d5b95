package dev.qdrantloader.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.convert.ConvertDocuments;
import dev.qdrantloader.io.localfile.ReadDocuments;
import dev.qdrantloader.io.qdrant.QdrantIO;
import dev.qdrantloader.transforms.chunk.ChunkDocuments;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import dev.qdrantloader.transforms.model.Failure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The ingestion graph: ReadDocuments -> ConvertDocuments -> ChunkDocuments -> EmbedChunks ->
 * QdrantIO.write, with every stage's failures gathered into one file of JSON lines. Figures for the
 * run summary come from the stages' Beam metrics.
 */
public final class IngestionPipeline {
  private IngestionPipeline() {}

  /** Adds the ingestion graph for {@code job} to {@code pipeline}. */
  public static void buildPipeline(Pipeline pipeline, IngestionJob job) {
    ReadDocuments.Result read =
        pipeline.apply(
            "ReadDocuments",
            ReadDocuments.from(job.sources()).withSpreadBuckets(job.spreadBuckets()));
    ConvertDocuments.Result converted =
        read.files().apply("ConvertDocuments", ConvertDocuments.with(job.conversion()));
    ChunkDocuments.Result chunked =
        converted
            .documents()
            .apply("ChunkDocuments", ChunkDocuments.with(job.tokens(), job.chunking()));
    EmbedChunks.Result embedded =
        chunked
            .chunks()
            .apply(
                "EmbedChunks",
                EmbedChunks.with(job.embedder())
                    .withBatchSize(job.embedBatchSize())
                    .withBatching(job.batching()));
    QdrantIO.WriteResult written =
        embedded
            .embedded()
            .apply(
                "WriteToQdrant",
                QdrantIO.write()
                    .withConnection(job.qdrant())
                    .withCollection(job.collection())
                    .withIngestedAt(job.ingestedAt()));

    PCollectionList.of(read.failures())
        .and(converted.failures())
        .and(chunked.failures())
        .and(embedded.failures())
        .and(written.failures())
        .apply("AllFailures", Flatten.pCollections())
        .apply(
            "FailureAsJson",
            MapElements.into(TypeDescriptors.strings()).via(IngestionPipeline::json))
        .apply(
            "WriteFailures",
            TextIO.write().to(job.failuresPrefix()).withSuffix(".jsonl").withoutSharding());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One failure as the JSON line the pipeline writes. */
  public static String json(Failure f) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("stage", f.stage());
    m.put("project", f.projectId());
    m.put("source", f.source());
    m.put("path", f.path());
    m.put("reason", f.reason());
    try {
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads back one line written by the pipeline. */
  public static Failure parseFailure(String line) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, String> m = JSON.readValue(line, Map.class);
      return new Failure(
          m.get("stage"), m.get("project"), m.get("source"), m.get("path"), m.get("reason"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not a failure line: " + line, e);
    }
  }
}
