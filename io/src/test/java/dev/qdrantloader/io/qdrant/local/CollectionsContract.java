package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Collections service, health check and the errors Qdrant returns for them. */
abstract class CollectionsContract extends QdrantContract {

  @Test
  void healthCheckAnswersWithAVersion() {
    HealthCheckReply reply = await(client.healthCheckAsync());
    assertEquals(HealthService.API_VERSION, reply.getVersion());
    assertFalse(reply.getTitle().isEmpty());
  }

  @Test
  void createdCollectionReportsItsConfigStatusAndCount() {
    createCollection("docs", 4, Distance.Cosine);
    upsert("docs", point(1, Map.of(), 1, 0, 0, 0), point(2, Map.of(), 0, 1, 0, 0));

    CollectionInfo info = await(client.getCollectionInfoAsync("docs"));
    assertEquals(CollectionStatus.Green, info.getStatus());
    assertEquals(2, info.getPointsCount());
    VectorParams params = info.getConfig().getParams().getVectorsConfig().getParams();
    assertEquals(4, params.getSize());
    assertEquals(Distance.Cosine, params.getDistance());
  }

  @Test
  void everyDistanceCanBeConfigured() {
    for (Distance d : List.of(Distance.Cosine, Distance.Dot, Distance.Euclid, Distance.Manhattan)) {
      createCollection("c_" + d.name(), 3, d);
      assertEquals(
          d,
          await(client.getCollectionInfoAsync("c_" + d.name()))
              .getConfig()
              .getParams()
              .getVectorsConfig()
              .getParams()
              .getDistance());
    }
  }

  @Test
  void namedVectorsAreConfiguredPerName() {
    await(
        client.createCollectionAsync(
            "multi",
            Map.of(
                "text", VectorParams.newBuilder().setSize(3).setDistance(Distance.Cosine).build(),
                "image",
                    VectorParams.newBuilder().setSize(2).setDistance(Distance.Euclid).build())));
    VectorParamsMap map =
        await(client.getCollectionInfoAsync("multi"))
            .getConfig()
            .getParams()
            .getVectorsConfig()
            .getParamsMap();
    assertEquals(3, map.getMapOrThrow("text").getSize());
    assertEquals(Distance.Euclid, map.getMapOrThrow("image").getDistance());
  }

  @Test
  void listExistsAndDelete() {
    createCollection("b", 2, Distance.Dot);
    createCollection("a", 2, Distance.Dot);
    assertEquals(List.of("a", "b"), await(client.listCollectionsAsync()));
    assertTrue(await(client.collectionExistsAsync("a")));
    assertFalse(await(client.collectionExistsAsync("zzz")));

    assertTrue(await(client.deleteCollectionAsync("a")).getResult());
    assertEquals(List.of("b"), await(client.listCollectionsAsync()));
    assertFalse(await(client.collectionExistsAsync("a")));
    // Qdrant answers result=false for a collection that is not there; the client turns it into
    // this.
    io.qdrant.client.QdrantException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.qdrant.client.QdrantException.class, () -> await(client.deleteCollectionAsync("a")));
    assertTrue(e.getMessage().contains("'a' could not be deleted"), e.getMessage());
  }

  @Test
  void deletedCollectionCanBeRecreatedEmpty() {
    createCollection("again", 2, Distance.Dot);
    upsert("again", point(1, Map.of(), 1, 1));
    await(client.deleteCollectionAsync("again"));
    createCollection("again", 3, Distance.Dot);
    CollectionInfo info = await(client.getCollectionInfoAsync("again"));
    assertEquals(0, info.getPointsCount());
    assertEquals(3, info.getConfig().getParams().getVectorsConfig().getParams().getSize());
  }

  @Test
  void missingCollectionIsNotFound() {
    assertFails(
        Status.Code.NOT_FOUND,
        "Collection `nope` doesn't exist",
        () -> await(client.getCollectionInfoAsync("nope")));
    assertFails(
        Status.Code.NOT_FOUND,
        "Collection `nope` doesn't exist",
        () -> upsert("nope", point(1, Map.of(), 1, 2)));
    assertFails(Status.Code.NOT_FOUND, "nope", () -> await(client.countAsync("nope")));
  }

  @Test
  void duplicateCreateIsAlreadyExists() {
    createCollection("dup", 2, Distance.Cosine);
    assertFails(
        Status.Code.ALREADY_EXISTS,
        "Collection `dup` already exists",
        () -> createCollection("dup", 2, Distance.Cosine));
  }

  @Test
  void invalidDefinitionsAreRefused() {
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "vectors_config",
        () ->
            await(
                client.createCollectionAsync(
                    CreateCollection.newBuilder().setCollectionName("novec").build())));
    assertFails(
        Status.Code.INVALID_ARGUMENT, "size", () -> createCollection("zero", 0, Distance.Dot));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "distance",
        () ->
            await(
                client.createCollectionAsync(
                    CreateCollection.newBuilder()
                        .setCollectionName("nodist")
                        .setVectorsConfig(
                            VectorsConfig.newBuilder()
                                .setParams(VectorParams.newBuilder().setSize(3)))
                        .build())));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "Collection name",
        () -> createCollection("../escape", 3, Distance.Dot));
    assertEquals(List.of(), await(client.listCollectionsAsync()));
  }

  @Test
  void payloadIndexesAppearInThePayloadSchemaWithTheirPointCounts() {
    createCollection("idx", 2, Distance.Dot);
    upsert(
        "idx",
        point(1, payload("project", "a", "n", 1), 1, 0),
        point(2, payload("project", "b"), 0, 1),
        point(3, payload("n", 5), 1, 1));
    await(
        client.createPayloadIndexAsync(
            "idx", "project", PayloadSchemaType.Keyword, null, true, null, null));
    await(
        client.createPayloadIndexAsync(
            "idx", "n", PayloadSchemaType.Integer, null, true, null, null));

    CollectionInfo info = await(client.getCollectionInfoAsync("idx"));
    assertEquals(PayloadSchemaType.Keyword, info.getPayloadSchemaOrThrow("project").getDataType());
    assertEquals(2, info.getPayloadSchemaOrThrow("project").getPoints());
    assertEquals(PayloadSchemaType.Integer, info.getPayloadSchemaOrThrow("n").getDataType());
    assertEquals(2, info.getPayloadSchemaOrThrow("n").getPoints());

    await(client.deletePayloadIndexAsync("idx", "project", true, null, null));
    info = await(client.getCollectionInfoAsync("idx"));
    assertFalse(info.containsPayloadSchema("project"));
    assertTrue(info.containsPayloadSchema("n"));
  }
}
