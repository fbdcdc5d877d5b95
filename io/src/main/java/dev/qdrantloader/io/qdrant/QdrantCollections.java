package dev.qdrantloader.io.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates and checks the loader's collection: one unnamed dense vector (cosine) of the model's
 * size, and keyword payload indexes on the keys the loader filters by.
 */
public final class QdrantCollections {
  /** Payload keys that get a keyword index. */
  public static final List<String> INDEXED_KEYS =
      List.of(
          PointPayloads.DOCUMENT_ID,
          PointPayloads.PROJECT_ID,
          PointPayloads.SOURCE_TYPE,
          PointPayloads.SOURCE,
          PointPayloads.CONTENT_HASH);

  private QdrantCollections() {}

  /** Thrown when the collection cannot be used as it is (e.g. another vector size). */
  public static final class CollectionMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectionMismatchException(String message) {
      super(message);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException ? (RuntimeException) c : new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Qdrant", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Qdrant did not answer within 2 minutes", e);
    }
  }

  public static boolean exists(QdrantClient client, String collection) {
    return await(client.collectionExistsAsync(collection));
  }

  /** Creates the collection and its payload indexes. */
  public static void create(QdrantClient client, String collection, int vectorSize) {
    await(
        client.createCollectionAsync(
            io.qdrant.client.grpc.Collections.CreateCollection.newBuilder()
                .setCollectionName(collection)
                .setVectorsConfig(
                    VectorsConfig.newBuilder()
                        .setParams(
                            VectorParams.newBuilder()
                                .setSize(vectorSize)
                                .setDistance(Distance.Cosine)))
                .build()));
    for (String key : INDEXED_KEYS) {
      await(
          client.createPayloadIndexAsync(
              collection, key, PayloadSchemaType.Keyword, null, true, null, null));
    }
  }

  /** The payload selector of a scroll that needs only each point's document id. */
  static final io.qdrant.client.grpc.Points.WithPayloadSelector DOCUMENT_ID_ONLY =
      io.qdrant.client.grpc.Points.WithPayloadSelector.newBuilder()
          .setInclude(
              io.qdrant.client.grpc.Points.PayloadIncludeSelector.newBuilder()
                  .addFields(PointPayloads.DOCUMENT_ID))
          .build();

  /** Every point of {@code collection} matching {@code filter}, page by page, without vectors. */
  static void scroll(
      QdrantClient client,
      String collection,
      io.qdrant.client.grpc.Common.Filter filter,
      io.qdrant.client.grpc.Points.WithPayloadSelector payload,
      java.util.function.Consumer<io.qdrant.client.grpc.Points.RetrievedPoint> each) {
    io.qdrant.client.grpc.Common.PointId offset = null;
    do {
      io.qdrant.client.grpc.Points.ScrollPoints.Builder page =
          io.qdrant.client.grpc.Points.ScrollPoints.newBuilder()
              .setCollectionName(collection)
              .setFilter(filter)
              .setLimit(1_000)
              .setWithPayload(payload);
      if (offset != null) {
        page.setOffset(offset);
      }
      io.qdrant.client.grpc.Points.ScrollResponse r = await(client.scrollAsync(page.build()));
      r.getResultList().forEach(each);
      offset = r.hasNextPageOffset() ? r.getNextPageOffset() : null;
    } while (offset != null);
  }

  /** Deletes the points matching {@code filter} and returns once that is durable. */
  public static void deleteWhere(
      QdrantClient client, String collection, io.qdrant.client.grpc.Common.Filter filter) {
    await(
        client.deleteAsync(
            io.qdrant.client.grpc.Points.DeletePoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .setPoints(
                    io.qdrant.client.grpc.Points.PointsSelector.newBuilder().setFilter(filter))
                .build()));
  }

  /** Deletes the points with these ids and returns once that is durable. */
  public static void deleteIds(
      QdrantClient client,
      String collection,
      java.util.List<io.qdrant.client.grpc.Common.PointId> ids) {
    if (ids.isEmpty()) {
      return;
    }
    await(
        client.deleteAsync(
            io.qdrant.client.grpc.Points.DeletePoints.newBuilder()
                .setCollectionName(collection)
                .setWait(true)
                .setPoints(
                    io.qdrant.client.grpc.Points.PointsSelector.newBuilder()
                        .setPoints(
                            io.qdrant.client.grpc.Points.PointsIdsList.newBuilder().addAllIds(ids)))
                .build()));
  }

  /** Deletes the collection if it exists. */
  public static void drop(QdrantClient client, String collection) {
    if (exists(client, collection)) {
      await(client.deleteCollectionAsync(collection));
    }
  }

  /**
   * Creates the collection when missing; otherwise checks that its vectors have the model's size
   * (before anything is written) and that the payload indexes exist.
   *
   * @return true when the collection was created now
   */
  public static boolean ensure(
      QdrantClient client, String collection, int vectorSize, String model) {
    if (!exists(client, collection)) {
      try {
        create(client, collection, vectorSize);
        return true;
      } catch (io.grpc.StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
          throw e;
        }
        // another run created it meanwhile: check it like any existing collection
      }
    }
    CollectionInfo info = await(client.getCollectionInfoAsync(collection));
    VectorsConfig vc = info.getConfig().getParams().getVectorsConfig();
    if (!vc.hasParams()) {
      throw new CollectionMismatchException(
          "collection `"
              + collection
              + "` uses named vectors; the loader writes one unnamed vector. Use another"
              + " collection_name, or recreate it with `qdrant-loader init --force`.");
    }
    long size = vc.getParams().getSize();
    if (size != vectorSize) {
      throw new CollectionMismatchException(
          "collection `"
              + collection
              + "` has vectors of size "
              + size
              + ", but the embedding model "
              + model
              + " produces "
              + vectorSize
              + ". Nothing was written. Use another collection_name, or recreate the collection"
              + " with `qdrant-loader init --force` (this deletes its points).");
    }
    for (String key : INDEXED_KEYS) {
      if (!info.containsPayloadSchema(key)) {
        await(
            client.createPayloadIndexAsync(
                collection, key, PayloadSchemaType.Keyword, null, true, null, null));
      }
    }
    return false;
  }
}
