package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.beam.CachedSideInput;
import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.VectorOutput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Gives chunks whose text is already in the collection their stored vector instead of a new
 * embedding. The donors map a document id to a manifest entry whose points may hold its vectors:
 * the document's own previous entry when it changed, or a vanished document's entry when a new file
 * has its exact bytes (a rename). A chunk whose hash the donor recorded is looked up by the donor's
 * point id (one retrieve per document); anything not found, or any lookup error, goes to embedding,
 * so nothing is lost, it only costs an embedding.
 *
 * <pre>{@code
 * ReuseVectors.Result r = chunks.apply(ReuseVectors.from(connection, collection, donors));
 * r.reused();   // EmbeddedChunks with stored vectors
 * r.toEmbed();  // Chunks that need the model
 * }</pre>
 */
public final class ReuseVectors extends PTransform<PCollection<Chunk>, ReuseVectors.Result> {
  private final QdrantConnection connection;
  private final String collection;
  private final PCollection<KV<String, ManifestEntry>> donors;

  private ReuseVectors(
      QdrantConnection connection,
      String collection,
      PCollection<KV<String, ManifestEntry>> donors) {
    this.connection = connection;
    this.collection = collection;
    this.donors = donors;
  }

  /**
   * Reuses vectors of {@code donors} (receiving document id -> entry whose points hold the vectors;
   * at most one entry per id) stored in {@code collection}.
   */
  public static ReuseVectors from(
      QdrantConnection connection,
      String collection,
      PCollection<KV<String, ManifestEntry>> donors) {
    if (connection == null || collection == null || donors == null) {
      throw new IllegalArgumentException("ReuseVectors needs a connection, collection and donors");
    }
    return new ReuseVectors(connection, collection, donors);
  }

  static final TupleTag<Chunk> TO_EMBED = new TupleTag<>() {};
  static final TupleTag<KV<String, Chunk>> CANDIDATES = new TupleTag<>() {};
  static final TupleTag<EmbeddedChunk> REUSED = new TupleTag<>() {};

  @Override
  public Result expand(PCollection<Chunk> chunks) {
    PCollectionView<Map<String, ManifestEntry>> view = donors.apply("DonorsView", View.asMap());
    PCollectionTuple split =
        chunks.apply(
            "FindCandidates",
            ParDo.of(new SplitFn(view))
                .withSideInputs(view)
                .withOutputTags(TO_EMBED, TupleTagList.of(CANDIDATES)));
    split.get(TO_EMBED).setCoder(ModelCoders.chunks());
    PCollectionTuple fetched =
        split
            .get(CANDIDATES)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ModelCoders.chunks()))
            .apply("ByDocument", GroupByKey.create())
            .apply(
                "FetchVectors",
                ParDo.of(new FetchFn(connection, collection, view))
                    .withSideInputs(view)
                    .withOutputTags(REUSED, TupleTagList.of(TO_EMBED)));
    fetched.get(TO_EMBED).setCoder(ModelCoders.chunks());
    PCollection<EmbeddedChunk> reused = fetched.get(REUSED).setCoder(ModelCoders.embeddedChunks());
    PCollection<Chunk> toEmbed =
        PCollectionList.of(split.get(TO_EMBED))
            .and(fetched.get(TO_EMBED))
            .apply("AllToEmbed", Flatten.pCollections());
    return new Result(chunks.getPipeline(), reused, toEmbed);
  }

  /** Chunks with stored vectors, and chunks that need an embedding. */
  public static final class Result implements POutput {
    private final org.apache.beam.sdk.Pipeline pipeline;
    private final PCollection<EmbeddedChunk> reused;
    private final PCollection<Chunk> toEmbed;

    Result(
        org.apache.beam.sdk.Pipeline pipeline,
        PCollection<EmbeddedChunk> reused,
        PCollection<Chunk> toEmbed) {
      this.pipeline = pipeline;
      this.reused = reused;
      this.toEmbed = toEmbed;
    }

    public PCollection<EmbeddedChunk> reused() {
      return reused;
    }

    public PCollection<Chunk> toEmbed() {
      return toEmbed;
    }

    @Override
    public org.apache.beam.sdk.Pipeline getPipeline() {
      return pipeline;
    }

    @Override
    public Map<TupleTag<?>, PValue> expand() {
      return Map.of(REUSED, reused, TO_EMBED, toEmbed);
    }

    @Override
    public void finishSpecifyingOutput(
        String transformName, PInput input, PTransform<?, ?> transform) {}
  }

  /** Chunks of documents with a donor whose recorded hashes include theirs become candidates. */
  static final class SplitFn extends DoFn<Chunk, Chunk> {
    private final CachedSideInput<Map<String, ManifestEntry>> donors;

    SplitFn(PCollectionView<Map<String, ManifestEntry>> view) {
      this.donors = CachedSideInput.of(view);
    }

    @ProcessElement
    public void process(
        @Element Chunk c, ProcessContext context, BoundedWindow window, MultiOutputReceiver out) {
      ManifestEntry donor = donors.get(context, window).get(c.documentId());
      if (donor != null && donor.chunkHashes().contains(c.chunkHash())) {
        out.get(CANDIDATES).output(KV.of(c.documentId(), c));
      } else {
        out.get(TO_EMBED).output(c);
      }
    }
  }

  /** One retrieve per document for the donor points that hold its candidates' texts. */
  static final class FetchFn extends DoFn<KV<String, Iterable<Chunk>>, EmbeddedChunk> {
    private final Counter reusedCount = Metrics.counter(ReuseVectors.class, "embeddings_reused");
    private final Counter missing = Metrics.counter(ReuseVectors.class, "stored_vectors_missing");
    private final QdrantConnection connection;
    private final String collection;
    private final CachedSideInput<Map<String, ManifestEntry>> donors;

    FetchFn(
        QdrantConnection connection,
        String collection,
        PCollectionView<Map<String, ManifestEntry>> view) {
      this.connection = connection;
      this.collection = collection;
      this.donors = CachedSideInput.of(view);
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<Chunk>> doc,
        ProcessContext context,
        BoundedWindow window,
        MultiOutputReceiver out) {
      ManifestEntry donor = donors.get(context, window).get(doc.getKey());
      Map<String, String> pointOfHash = new HashMap<>();
      List<String> hashes = donor.chunkHashes();
      for (int i = 0; i < hashes.size(); i++) {
        pointOfHash.putIfAbsent(
            hashes.get(i), DocumentIds.pointId(donor.documentId(), i, hashes.get(i)));
      }
      List<Chunk> chunks = new ArrayList<>();
      List<PointId> ids = new ArrayList<>();
      for (Chunk c : doc.getValue()) {
        chunks.add(c);
        ids.add(PointIdFactory.id(UUID.fromString(pointOfHash.get(c.chunkHash()))));
      }
      Map<String, float[]> vectorOfPoint = new HashMap<>();
      try {
        for (RetrievedPoint p :
            QdrantCollections.await(
                connection.client().retrieveAsync(collection, ids, false, true, null))) {
          float[] v = dense(p.getVectors().getVector());
          if (v != null) {
            vectorOfPoint.put(p.getId().getUuid(), v);
          }
        }
      } catch (RuntimeException e) {
        // Any lookup problem costs embeddings, never chunks.
        vectorOfPoint.clear();
      }
      for (Chunk c : chunks) {
        float[] v = vectorOfPoint.get(pointOfHash.get(c.chunkHash()));
        if (v == null) {
          missing.inc();
          out.get(TO_EMBED).output(c);
        } else {
          reusedCount.inc();
          out.get(REUSED).output(new EmbeddedChunk(c, v));
        }
      }
    }

    private static float[] dense(VectorOutput v) {
      List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
      if (data.isEmpty()) {
        return null;
      }
      float[] out = new float[data.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = data.get(i);
      }
      return out;
    }
  }
}
