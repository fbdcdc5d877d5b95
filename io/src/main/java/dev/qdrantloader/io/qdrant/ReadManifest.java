package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads the manifest entries of the listed scopes from Qdrant, on the workers, so every runner
 * diffs against the same state. The manifest collection must exist ({@link QdrantManifest#ensure});
 * the entry points ensure it before the pipeline runs.
 */
public final class ReadManifest extends PTransform<PBegin, PCollection<ManifestEntry>> {
  private final QdrantConnection connection;
  private final String collection;
  private final List<SourceScope> scopes;

  private ReadManifest(QdrantConnection connection, String collection, List<SourceScope> scopes) {
    this.connection = connection;
    this.collection = collection;
    this.scopes = List.copyOf(scopes);
  }

  /** The entries of {@code scopes} in the manifest of {@code collection}. */
  public static ReadManifest of(
      QdrantConnection connection, String collection, List<SourceScope> scopes) {
    if (connection == null || collection == null || collection.isBlank()) {
      throw new IllegalArgumentException("ReadManifest needs a connection and a collection");
    }
    return new ReadManifest(connection, collection, scopes);
  }

  @Override
  public PCollection<ManifestEntry> expand(PBegin begin) {
    List<List<String>> parts = new ArrayList<>();
    for (SourceScope s : scopes) {
      parts.add(s.asList());
    }
    return begin
        .apply("Scopes", Create.of(parts).withCoder(ListCoder.of(StringUtf8Coder.of())))
        .apply("ReadEntries", ParDo.of(new ReadFn(connection, collection)))
        .setCoder(ModelCoders.manifestEntries());
  }

  static final class ReadFn extends DoFn<List<String>, ManifestEntry> {
    private final Counter entries = Metrics.counter(ReadManifest.class, "entries_read");
    private final QdrantConnection connection;
    private final String collection;

    ReadFn(QdrantConnection connection, String collection) {
      this.connection = connection;
      this.collection = collection;
    }

    @ProcessElement
    public void process(@Element List<String> scope, OutputReceiver<ManifestEntry> out) {
      SourceScope s = SourceScope.of(scope);
      if (!QdrantCollections.exists(
          connection.client(), QdrantManifest.collectionFor(collection))) {
        throw new IllegalStateException(
            "the manifest collection `"
                + QdrantManifest.collectionFor(collection)
                + "` does not exist; `qdrant-loader ingest` creates it before the run");
      }
      for (ManifestEntry e :
          QdrantManifest.read(
              connection.client(), collection, s.projectId(), s.sourceType(), s.source())) {
        entries.inc();
        out.output(e);
      }
    }
  }
}
