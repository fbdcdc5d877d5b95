package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.grpc.Common.Filter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Removes orphans: points of the listed scopes whose document has no manifest entry. They are left
 * behind only by an interrupted run whose documents then vanished, or by collections written before
 * the manifest existed, so this runs when asked ({@code ingest --force}, a collection without a
 * manifest, or after an unfinished run), after every commit and delete of the run: it scrolls the
 * scope's points (payload {@code document_id} only) once.
 */
public final class SweepOrphans extends PTransform<PBegin, PCollection<Void>> {
  private final QdrantConnection connection;
  private final String collection;
  private final List<SourceScope> scopes;
  private final List<PCollection<?>> after;

  private SweepOrphans(
      QdrantConnection connection,
      String collection,
      List<SourceScope> scopes,
      List<PCollection<?>> after) {
    this.connection = connection;
    this.collection = collection;
    this.scopes = List.copyOf(scopes);
    this.after = List.copyOf(after);
  }

  /** Sweeps {@code scopes} of {@code collection} once everything in {@code after} is done. */
  public static SweepOrphans of(
      QdrantConnection connection,
      String collection,
      List<SourceScope> scopes,
      List<PCollection<?>> after) {
    if (connection == null || collection == null || collection.isBlank()) {
      throw new IllegalArgumentException("SweepOrphans needs a connection and a collection");
    }
    return new SweepOrphans(connection, collection, scopes, after);
  }

  @Override
  public PCollection<Void> expand(PBegin begin) {
    List<List<String>> parts = new ArrayList<>();
    for (SourceScope s : scopes) {
      parts.add(s.asList());
    }
    PCollection<List<String>> scoped =
        begin.apply("Scopes", Create.of(parts).withCoder(ListCoder.of(StringUtf8Coder.of())));
    if (!after.isEmpty()) {
      scoped =
          scoped
              .apply("AfterCommits", Wait.on(after.toArray(new PCollection<?>[0])))
              .setCoder(ListCoder.of(StringUtf8Coder.of()));
    }
    return scoped
        .apply("Sweep", ParDo.of(new SweepFn(connection, collection)))
        .setCoder(VoidCoder.of());
  }

  static final class SweepFn extends DoFn<List<String>, Void> {
    private final Counter documents = Metrics.counter(SweepOrphans.class, "orphan_documents");
    private final Counter points = Metrics.counter(SweepOrphans.class, "points_removed");
    private final QdrantConnection connection;
    private final String collection;

    SweepFn(QdrantConnection connection, String collection) {
      this.connection = connection;
      this.collection = collection;
    }

    @ProcessElement
    public void process(@Element List<String> scope) {
      SourceScope s = SourceScope.of(scope);
      Set<String> known = new HashSet<>();
      for (ManifestEntry e :
          QdrantManifest.read(
              connection.client(), collection, s.projectId(), s.sourceType(), s.source())) {
        known.add(e.documentId());
      }
      Map<String, Long> orphans = new HashMap<>();
      QdrantCollections.scroll(
          connection.client(),
          collection,
          s.filter(),
          QdrantCollections.DOCUMENT_ID_ONLY,
          p -> {
            String doc = p.getPayloadMap().get(PointPayloads.DOCUMENT_ID).getStringValue();
            if (!known.contains(doc)) {
              orphans.merge(doc, 1L, Long::sum);
            }
          });
      List<String> ids = new ArrayList<>(orphans.keySet());
      for (int i = 0; i < ids.size(); i += 256) {
        List<String> batch = ids.subList(i, Math.min(ids.size(), i + 256));
        QdrantCollections.deleteWhere(
            connection.client(),
            collection,
            Filter.newBuilder()
                .addMust(ConditionFactory.matchKeywords(PointPayloads.DOCUMENT_ID, batch))
                .build());
      }
      documents.inc(orphans.size());
      points.inc(orphans.values().stream().mapToLong(Long::longValue).sum());
    }
  }
}
