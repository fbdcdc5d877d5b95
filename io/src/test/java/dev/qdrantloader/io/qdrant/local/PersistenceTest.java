package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.NamedVectors;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a persistent server keeps across restarts, log compaction and a torn log tail. */
class PersistenceTest {
  @TempDir Path dir;

  private static List<RetrievedPoint> everything(QdrantClient client, String collection) {
    return await(
            client.scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(collection)
                    .setLimit(100_000)
                    .setWithVectors(WithVectorsSelectorFactory.enable(true))
                    .build()))
        .getResultList();
  }

  private static PointStruct point(long id, String group, float... v) {
    return PointStruct.newBuilder()
        .setId(id(id))
        .setVectors(vectors(v))
        .putPayload("group", value(group))
        .putPayload("n", value(id))
        .build();
  }

  private static void create(QdrantClient client, String name) {
    await(
        client.createCollectionAsync(
            name, VectorParams.newBuilder().setSize(3).setDistance(Distance.Cosine).build()));
  }

  @Test
  void aPayloadOnlyCollectionTakesPointsWithoutVectorsAndKeepsThem() throws Exception {
    // Qdrant accepts "vectors": {} (an empty named-vectors map) for a collection of payloads only.
    List<RetrievedPoint> before;
    try (ServerFixture s = ServerFixture.start(dir)) {
      await(
          s.client.createCollectionAsync(
              CreateCollection.newBuilder()
                  .setCollectionName("manifest")
                  .setVectorsConfig(
                      VectorsConfig.newBuilder().setParamsMap(VectorParamsMap.getDefaultInstance()))
                  .build()));
      await(
          s.client.upsertAsync(
              "manifest",
              List.of(
                  PointStruct.newBuilder().setId(id(1)).putPayload("path", value("a.md")).build(),
                  PointStruct.newBuilder()
                      .setId(id(2))
                      .setVectors(
                          Vectors.newBuilder().setVectors(NamedVectors.getDefaultInstance()))
                      .putPayload("path", value("b.md"))
                      .build())));
      assertEquals(2L, await(s.client.countAsync("manifest")));
      // a vector where none is configured is refused, naming it, as Qdrant does
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> s.client.upsertAsync("manifest", List.of(point(3, "c", 1, 0, 0))).get());
      assertTrue(
          refused.getCause().getMessage().contains("Not existing vector name"),
          refused.getCause().getMessage());
      before = everything(s.client, "manifest");
      assertEquals(2, before.size());
      assertTrue(before.stream().allMatch(p -> p.getVectors().getVectors().getVectorsCount() == 0));
    }
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(before, everything(s.client, "manifest"));
    }
  }

  @Test
  void everyKindOfWriteSurvivesARestart() throws Exception {
    List<RetrievedPoint> before;
    CollectionInfo infoBefore;
    try (ServerFixture s = ServerFixture.start(dir)) {
      create(s.client, "docs");
      create(s.client, "gone");
      await(
          s.client.upsertAsync(
              "docs",
              List.of(
                  point(1, "a", 1, 0, 0),
                  point(2, "b", 0, 1, 0),
                  point(3, "a", 0, 0, 1),
                  point(4, "c", 1, 1, 1))));
      await(s.client.deleteAsync("docs", List.of(id(2))));
      await(
          s.client.setPayloadAsync("docs", Map.of("extra", value(true)), id(3), true, null, null));
      await(
          s.client.overwritePayloadAsync(
              "docs", Map.of("only", value("x")), id(4), true, null, null));
      await(s.client.deletePayloadAsync("docs", List.of("n"), id(1), true, null, null));
      await(
          s.client.createPayloadIndexAsync(
              "docs", "group", PayloadSchemaType.Keyword, null, true, null, null));
      await(s.client.deleteCollectionAsync("gone"));
      // written without wait: acknowledged, applied, and still kept on a clean shutdown
      await(
          s.client.upsertAsync(
              UpsertPoints.newBuilder()
                  .setCollectionName("docs")
                  .setWait(false)
                  .addPoints(point(5, "d", 2, 0, 0))
                  .build()));
      before = everything(s.client, "docs");
      infoBefore = await(s.client.getCollectionInfoAsync("docs"));
    }
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(List.of("docs"), await(s.client.listCollectionsAsync()));
      assertEquals(before, everything(s.client, "docs"));
      CollectionInfo info = await(s.client.getCollectionInfoAsync("docs"));
      assertEquals(infoBefore.getPayloadSchemaMap(), info.getPayloadSchemaMap());
      assertEquals(4, info.getPointsCount());
      assertEquals(infoBefore.getConfig(), info.getConfig());
    }
  }

  @Test
  void compactedStateAndTheLogAfterItSurviveARestart() throws Exception {
    LocalQdrantServer.Builder small =
        LocalQdrantServer.builder().port(0).dataDir(dir).minCompactBytes(4096);
    List<RetrievedPoint> before;
    try (ServerFixture s = ServerFixture.start(small)) {
      create(s.client, "docs");
      await(
          s.client.createPayloadIndexAsync(
              "docs", "group", PayloadSchemaType.Keyword, null, true, null, null));
      for (int batch = 0; batch < 40; batch++) {
        List<PointStruct> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          long id = batch * 20L + i;
          points.add(point(id, "g" + (id % 3), (float) Math.sin(id), (float) Math.cos(id), 0.5f));
        }
        await(s.client.upsertAsync("docs", points));
        if (batch % 7 == 3) {
          await(
              s.client.deleteAsync(
                  "docs", Filter.newBuilder().addMust(matchKeyword("group", "g1")).build()));
        }
      }
      before = everything(s.client, "docs");
    }
    Path collection = dir.resolve("collections").resolve("docs");
    List<String> files;
    try (Stream<Path> list = Files.list(collection)) {
      files = list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
    assertTrue(
        files.stream().anyMatch(f -> f.startsWith("snapshot-")),
        "compaction wrote a snapshot: " + files);
    assertFalse(files.contains("wal-0.log"), "the compacted log was removed: " + files);

    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(before, everything(s.client, "docs"));
      assertTrue(await(s.client.getCollectionInfoAsync("docs")).containsPayloadSchema("group"));
    }
  }

  @Test
  void aTornRecordAtTheEndOfTheLogIsDroppedAndWritingGoesOn() throws Exception {
    try (ServerFixture s = ServerFixture.start(dir)) {
      create(s.client, "docs");
      await(s.client.upsertAsync("docs", List.of(point(1, "a", 1, 0, 0), point(2, "b", 0, 1, 0))));
    }
    Path wal = dir.resolve("collections/docs/wal-0.log");
    long intact = Files.size(wal);
    // what a kill in the middle of an append leaves: a header promising more bytes than follow
    Files.write(wal, new byte[] {0, 0, 1, 0, 1, 2, 3, 4, 1, 9, 9}, StandardOpenOption.APPEND);

    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(2L, await(s.client.countAsync("docs")));
      assertEquals(intact, Files.size(wal), "the torn tail was cut off");
      await(s.client.upsertAsync("docs", List.of(point(3, "c", 0, 0, 1))));
    }
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(3L, await(s.client.countAsync("docs")));
    }
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefused() throws Exception {
    try (ServerFixture s = ServerFixture.start(dir)) {
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class, () -> ServerFixture.start(dir));
      assertTrue(
          e.getMessage().contains("is in use by another local Qdrant server"), e.getMessage());
      create(s.client, "still-fine");
    }
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(List.of("still-fine"), await(s.client.listCollectionsAsync()));
    }
  }

  @Test
  void anInterruptedCreateLeavesNoCollection() throws Exception {
    Files.createDirectories(dir.resolve("collections/.creating-half"));
    Files.write(dir.resolve("collections/.creating-half/collection.pb.tmp"), new byte[] {1, 2});
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(List.of(), await(s.client.listCollectionsAsync()));
      create(s.client, "half");
      assertEquals(List.of("half"), await(s.client.listCollectionsAsync()));
    }
    assertFalse(Files.exists(dir.resolve("collections/.creating-half")));
  }
}
