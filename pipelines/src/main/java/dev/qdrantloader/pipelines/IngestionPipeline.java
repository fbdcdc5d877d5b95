package dev.qdrantloader.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.convert.ConvertDocuments;
import dev.qdrantloader.io.localfile.ReadDocuments;
import dev.qdrantloader.io.qdrant.CommitDocuments;
import dev.qdrantloader.io.qdrant.DeleteDocuments;
import dev.qdrantloader.io.qdrant.QdrantIO;
import dev.qdrantloader.io.qdrant.ReadManifest;
import dev.qdrantloader.io.qdrant.ReuseVectors;
import dev.qdrantloader.io.qdrant.SweepOrphans;
import dev.qdrantloader.io.qdrant.WriteEntries;
import dev.qdrantloader.transforms.chunk.ChunkDocuments;
import dev.qdrantloader.transforms.diff.DiffDocuments;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import dev.qdrantloader.transforms.model.ChangedFile;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.SourceFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The ingestion graph, incremental against the manifest kept in Qdrant:
 *
 * <pre>
 * ReadDocuments -> DiffDocuments(ReadManifest) -+- NEW, CHANGED -> ConvertDocuments -> ChunkDocuments
 *                                               |     -> ReuseVectors -> EmbedChunks (the rest)
 *                                               |     -> QdrantIO.write -> CommitDocuments
 *                                               +- UNCHANGED: nothing (touched: new time recorded)
 *                                               +- DELETED (after the writes) -> DeleteDocuments
 * </pre>
 *
 * then, when the job asks, SweepOrphans. Every stage's failures are gathered into one file of JSON
 * lines; figures for the run summary come from the stages' Beam metrics.
 */
public final class IngestionPipeline {
  private IngestionPipeline() {}

  /** Adds the ingestion graph for {@code job} to {@code pipeline}. */
  public static void buildPipeline(Pipeline pipeline, IngestionJob job) {
    PCollection<ManifestEntry> manifest =
        pipeline.apply(
            "ReadManifest", ReadManifest.of(job.qdrant(), job.collection(), job.scopes()));
    ReadDocuments read0 =
        ReadDocuments.from(job.sources())
            .withSpreadBuckets(job.spreadBuckets())
            .withResourceLimits(job.resources());
    if (!job.force()) {
      // files whose size and time are as recorded are not even read
      read0 =
          read0.withKnownFiles(
              manifest
                  .apply(
                      "KnownById",
                      WithKeys.<String, ManifestEntry>of(ManifestEntry::documentId)
                          .withKeyType(TypeDescriptors.strings()))
                  .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries()))
                  .apply("KnownView", View.asMap()));
    }
    ReadDocuments.Result read = pipeline.apply("ReadDocuments", read0);
    DiffDocuments.Result diff =
        read.files().apply("DiffDocuments", DiffDocuments.against(manifest).withForce(job.force()));

    PCollection<ManifestEntry> previous =
        diff.changed()
            .apply(
                "PreviousEntries",
                MapElements.into(TypeDescriptor.of(ManifestEntry.class)).via(ChangedFile::previous))
            .setCoder(ModelCoders.manifestEntries());
    PCollection<SourceFile> toConvert =
        PCollectionList.of(diff.newFiles())
            .and(
                diff.changed()
                    .apply(
                        "ChangedFiles",
                        MapElements.into(TypeDescriptor.of(SourceFile.class))
                            .via(ChangedFile::current))
                    .setCoder(ModelCoders.sourceFiles()))
            .apply("NewAndChanged", Flatten.pCollections());
    PCollection<ManifestEntry> listed =
        toConvert
            .apply(
                "ListedEntries",
                MapElements.into(TypeDescriptor.of(ManifestEntry.class))
                    .via(f -> ManifestEntry.listed(f, DocumentIds.sha256Hex(f.bytes()))))
            .setCoder(ModelCoders.manifestEntries());

    ConvertDocuments.Result converted =
        toConvert.apply("ConvertDocuments", ConvertDocuments.with(job.conversion()));
    ChunkDocuments.Result chunked =
        converted
            .documents()
            .apply("ChunkDocuments", ChunkDocuments.with(job.tokens(), job.chunking()));
    ReuseVectors.Result reuse =
        chunked
            .chunks()
            .apply(
                "ReuseVectors",
                ReuseVectors.from(job.qdrant(), job.collection(), donors(job, diff)));
    EmbedChunks.Result embedded = reuse.toEmbed().apply("EmbedChunks", embed(job));
    QdrantIO.WriteResult written =
        PCollectionList.of(embedded.embedded())
            .and(reuse.reused())
            .apply("EmbeddedAndReused", Flatten.pCollections())
            .apply(
                "WriteToQdrant",
                QdrantIO.write()
                    .withConnection(job.qdrant())
                    .withCollection(job.collection())
                    .withIngestedAt(job.ingestedAt()));
    PCollection<Void> committed =
        written
            .written()
            .apply(
                "CommitDocuments",
                CommitDocuments.of(
                        job.qdrant(), job.collection(), job.ingestedAt(), listed, previous)
                    .withCleanNewDocuments(job.sweep()));
    // Vanished documents go once every document is committed (so every write is durable): a
    // renamed file's new points exist before its old ones are removed, and could reuse their
    // vectors. The commit step's output is empty: a cheap signal to wait on.
    PCollection<Void> removed =
        diff.deleted()
            .apply("AfterCommits", Wait.on(committed))
            .setCoder(ModelCoders.manifestEntries())
            .apply("DeleteDocuments", DeleteDocuments.from(job.qdrant(), job.collection()));
    diff.touched().apply("RecordTouched", WriteEntries.to(job.qdrant(), job.collection()));
    if (job.sweep()) {
      pipeline.apply(
          "SweepOrphans",
          SweepOrphans.of(
              job.qdrant(), job.collection(), job.scopes(), List.of(committed, removed)));
    }

    PCollectionList.of(read.failures())
        .and(converted.failures())
        .and(chunked.failures())
        .and(embedded.failures())
        .and(written.failures())
        .apply("AllFailures", Flatten.pCollections())
        .apply("CountFailures", ParDo.of(new CountFailures()))
        .setCoder(ModelCoders.failures())
        .apply(
            "FailureAsJson",
            MapElements.into(TypeDescriptors.strings()).via(IngestionPipeline::json))
        .apply(
            "WriteFailures",
            TextIO.write().to(job.failuresPrefix()).withSuffix(".jsonl").withoutSharding());
  }

  /** The embedding step as the job's plan shapes it. */
  static EmbedChunks embed(IngestionJob job) {
    EmbeddingPlan plan = job.embedding();
    EmbedChunks embed =
        EmbedChunks.with(plan.embedder())
            .withBatchSize(plan.batchSize())
            .withBatching(job.batching())
            .withCache(plan.memoryCacheBytes(), job.force() ? null : plan.persistentCache());
    if (plan.maxRequestTokens() != Long.MAX_VALUE) {
      embed = embed.withMaxBatchTokens(plan.maxRequestTokens());
    }
    if (plan.dimension() != null) {
      embed = embed.withDimension(plan.dimension());
    }
    return embed;
  }

  /**
   * Whose stored vectors each converted document may reuse: its own previous points when it
   * changed, a vanished document's when it has that one's bytes; none with {@code --force}.
   */
  private static PCollection<KV<String, ManifestEntry>> donors(
      IngestionJob job, DiffDocuments.Result diff) {
    if (job.force()) {
      return diff.moves()
          .getPipeline()
          .apply(
              "NoDonors",
              Create.empty(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries())));
    }
    return PCollectionList.of(
            diff.changed()
                .apply(
                    "OwnPrevious",
                    MapElements.into(
                            TypeDescriptors.kvs(
                                TypeDescriptors.strings(), TypeDescriptor.of(ManifestEntry.class)))
                        .via(c -> KV.of(c.current().documentId(), c.previous())))
                .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.manifestEntries())))
        .and(diff.moves())
        .apply("AllDonors", Flatten.pCollections());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Counts failures by stage and kind of reason as Beam counters of namespace {@value
   * #FAILURES_NAMESPACE}, named "stage:kind" ({@link Failure#reasonKind()}), and passes them on.
   */
  static final class CountFailures extends DoFn<Failure, Failure> {
    @ProcessElement
    public void process(@Element Failure f, OutputReceiver<Failure> out) {
      Metrics.counter(FAILURES_NAMESPACE, f.stage() + ":" + f.reasonKind()).inc();
      out.output(f);
    }
  }

  /** The namespace of the failure counters. */
  public static final String FAILURES_NAMESPACE = "failures";

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
