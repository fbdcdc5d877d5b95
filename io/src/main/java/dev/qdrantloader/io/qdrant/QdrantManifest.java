package dev.qdrantloader.io.qdrant;

import static dev.qdrantloader.io.qdrant.QdrantCollections.await;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.value;

import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.NamedVectors;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The manifest: one payload-only point per ingested document (id = document id) in a companion
 * collection beside the loader's, so every runner diffs against the same state and nothing lives in
 * a local file. Qdrant takes collections without vectors ({@code "vectors": {}}), and so does local
 * mode.
 */
public final class QdrantManifest {
  /**
   * What a point of the companion collection is: a document entry, or a run ({@link RunHistory}).
   */
  static final String KIND = "kind";

  static final String KIND_DOCUMENT = "document";
  static final String PATH = "path";
  static final String SIZE_BYTES = "size_bytes";
  static final String LAST_MODIFIED = "last_modified_millis";
  static final String CHUNK_HASHES = "chunk_hashes";

  /** Keys the manifest is read by. */
  static final List<String> INDEXED_KEYS =
      List.of(KIND, PointPayloads.PROJECT_ID, PointPayloads.SOURCE_TYPE, PointPayloads.SOURCE);

  private QdrantManifest() {}

  /** The companion collection of {@code collection}. */
  public static String collectionFor(String collection) {
    return collection + "_manifest";
  }

  /**
   * Creates the manifest collection of {@code collection} when it is missing.
   *
   * @return true when it was created now
   */
  public static boolean ensure(QdrantClient client, String collection) {
    String name = collectionFor(collection);
    boolean created = false;
    if (!QdrantCollections.exists(client, name)) {
      try {
        await(
            client.createCollectionAsync(
                CreateCollection.newBuilder()
                    .setCollectionName(name)
                    .setVectorsConfig(
                        VectorsConfig.newBuilder()
                            .setParamsMap(VectorParamsMap.getDefaultInstance()))
                    .build()));
        created = true;
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
    }
    // Also when it exists: a run killed right after creating it left it without its indexes.
    java.util.Map<String, ?> schema =
        await(client.getCollectionInfoAsync(name)).getPayloadSchemaMap();
    for (String key : INDEXED_KEYS) {
      if (!schema.containsKey(key)) {
        await(
            client.createPayloadIndexAsync(
                name, key, PayloadSchemaType.Keyword, null, true, null, null));
      }
    }
    return created;
  }

  /** Every entry of one source, in document-id order. */
  public static List<ManifestEntry> read(
      QdrantClient client, String collection, String projectId, String sourceType, String source) {
    Filter scope =
        new SourceScope(projectId, sourceType, source)
            .filter().toBuilder().addMust(matchKeyword(KIND, KIND_DOCUMENT)).build();
    List<ManifestEntry> out = new ArrayList<>();
    QdrantCollections.scroll(
        client,
        collectionFor(collection),
        scope,
        WithPayloadSelectorFactory.enable(true),
        p -> out.add(entry(p.getPayloadMap())));
    return out;
  }

  /** Writes (or replaces) entries and returns once they are durable. */
  public static void write(QdrantClient client, String collection, List<ManifestEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    UpsertPoints.Builder req =
        UpsertPoints.newBuilder().setCollectionName(collectionFor(collection)).setWait(true);
    for (ManifestEntry e : entries) {
      req.addPoints(point(e));
    }
    await(client.upsertAsync(req.build()));
  }

  /** Removes the entries of these documents and returns once that is durable. */
  public static void delete(QdrantClient client, String collection, List<String> documentIds) {
    if (documentIds.isEmpty()) {
      return;
    }
    List<PointId> ids = new ArrayList<>(documentIds.size());
    for (String id : documentIds) {
      ids.add(PointIdFactory.id(java.util.UUID.fromString(id)));
    }
    QdrantCollections.deleteIds(client, collectionFor(collection), ids);
  }

  /** How many document entries the manifest holds. */
  public static long documents(QdrantClient client, String collection) {
    return await(
        client.countAsync(
            collectionFor(collection),
            Filter.newBuilder().addMust(matchKeyword(KIND, KIND_DOCUMENT)).build(),
            true));
  }

  /** Deletes the manifest collection (entries and run history) if it exists. */
  public static void drop(QdrantClient client, String collection) {
    QdrantCollections.drop(client, collectionFor(collection));
  }

  static PointStruct point(ManifestEntry e) {
    List<Value> hashes = new ArrayList<>(e.chunkHashes().size());
    for (String h : e.chunkHashes()) {
      hashes.add(value(h));
    }
    return PointStruct.newBuilder()
        .setId(PointIdFactory.id(java.util.UUID.fromString(e.documentId())))
        .setVectors(Vectors.newBuilder().setVectors(NamedVectors.getDefaultInstance()))
        .putPayload(KIND, value(KIND_DOCUMENT))
        .putPayload(PointPayloads.DOCUMENT_ID, value(e.documentId()))
        .putPayload(PointPayloads.PROJECT_ID, value(e.projectId()))
        .putPayload(PointPayloads.SOURCE_TYPE, value(e.sourceType()))
        .putPayload(PointPayloads.SOURCE, value(e.source()))
        .putPayload(PATH, value(e.path()))
        .putPayload(PointPayloads.CONTENT_HASH, value(e.contentHash()))
        .putPayload(SIZE_BYTES, value(e.sizeBytes()))
        .putPayload(LAST_MODIFIED, value(e.lastModifiedMillis()))
        .putPayload(CHUNK_HASHES, list(hashes))
        .putPayload(PointPayloads.INGESTED_AT, value(e.ingestedAt()))
        .build();
  }

  static ManifestEntry entry(Map<String, Value> p) {
    List<String> hashes = new ArrayList<>();
    for (Value v : p.get(CHUNK_HASHES).getListValue().getValuesList()) {
      hashes.add(v.getStringValue());
    }
    return new ManifestEntry(
        p.get(PointPayloads.DOCUMENT_ID).getStringValue(),
        p.get(PointPayloads.PROJECT_ID).getStringValue(),
        p.get(PointPayloads.SOURCE_TYPE).getStringValue(),
        p.get(PointPayloads.SOURCE).getStringValue(),
        p.get(PATH).getStringValue(),
        p.get(PointPayloads.CONTENT_HASH).getStringValue(),
        p.get(SIZE_BYTES).getIntegerValue(),
        p.get(LAST_MODIFIED).getIntegerValue(),
        hashes,
        p.get(PointPayloads.INGESTED_AT).getStringValue());
  }
}
