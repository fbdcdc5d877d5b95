package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.BatchResult;
import io.qdrant.client.grpc.Points.Direction;
import io.qdrant.client.grpc.Points.OrderBy;
import io.qdrant.client.grpc.Points.PayloadExcludeSelector;
import io.qdrant.client.grpc.Points.PayloadIncludeSelector;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.StartFrom;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Points service: writes, retrieval with selectors, scroll, count, search and query. */
abstract class PointsContract extends QdrantContract {
  static final String C = "points";

  @BeforeEach
  void collection() {
    createCollection(C, 3, Distance.Cosine);
  }

  private List<RetrievedPoint> get(List<PointId> ids, boolean payload, boolean vectors) {
    return await(client.retrieveAsync(C, ids, payload, vectors, null));
  }

  @Test
  void upsertWithWaitCompletesAndWithoutWaitIsAcknowledged() {
    assertEquals(
        UpdateStatus.Completed,
        await(
                client.upsertAsync(
                    UpsertPoints.newBuilder()
                        .setCollectionName(C)
                        .setWait(true)
                        .addPoints(point(1, payload("a", 1), 1, 0, 0))
                        .build()))
            .getStatus());
    assertEquals(
        UpdateStatus.Acknowledged,
        await(
                client.upsertAsync(
                    UpsertPoints.newBuilder()
                        .setCollectionName(C)
                        .setWait(false)
                        .addPoints(point(2, payload("a", 2), 0, 1, 0))
                        .build()))
            .getStatus());
    assertEquals(2L, await(client.countAsync(C)));
  }

  @Test
  void upsertReplacesThePointWholeVectorAndPayload() {
    upsert(C, point(7, payload("a", 1, "b", 2), 1, 0, 0));
    upsert(C, point(7, payload("c", 3), 0, 0, 2));
    RetrievedPoint p = get(List.of(id(7)), true, true).get(0);
    assertEquals(payload("c", 3), p.getPayloadMap());
    // Cosine vectors come back normalised, as Qdrant stores them.
    assertEquals(List.of(0f, 0f, 1f), p.getVectors().getVector().getDense().getDataList());
    assertEquals(1L, await(client.countAsync(C)));
  }

  @Test
  void uuidAndIntegerIdsAreBothAcceptedAndCanonical() {
    UUID u = UUID.fromString("5C56C793-69F3-4FBF-87E6-C4BF54C28C26");
    upsert(C, point(id(u), payload(), 1, 0, 0), point(id(Long.MAX_VALUE), payload(), 0, 1, 0));
    List<RetrievedPoint> got = get(List.of(id(u), id(Long.MAX_VALUE)), false, false);
    assertEquals(2, got.size());
    assertEquals("5c56c793-69f3-4fbf-87e6-c4bf54c28c26", got.get(0).getId().getUuid());
    assertEquals(Long.MAX_VALUE, got.get(1).getId().getNum());
    // Unsigned integer ids beyond Long.MAX_VALUE are valid in Qdrant.
    PointId big = PointId.newBuilder().setNum(-1L).build();
    upsert(C, point(big, payload(), 0, 0, 1));
    assertEquals(-1L, get(List.of(big), false, false).get(0).getId().getNum());
  }

  @Test
  void invalidUuidIsInvalidArgument() {
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "Unable to parse UUID: not-a-uuid",
        () ->
            upsert(
                C, point(PointId.newBuilder().setUuid("not-a-uuid").build(), payload(), 1, 0, 0)));
  }

  @Test
  void wrongDimensionIsRefusedNamingExpectedAndActual() {
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "Vector dimension error: expected dim: 3, got 2",
        () -> upsert(C, point(1, payload(), 1, 0)));
    assertEquals(0L, await(client.countAsync(C)), "a refused batch writes nothing");
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "expected dim: 3, got 4",
        () ->
            await(
                client.searchAsync(
                    SearchPoints.newBuilder()
                        .setCollectionName(C)
                        .addAllVector(List.of(1f, 2f, 3f, 4f))
                        .setLimit(1)
                        .build())));
  }

  @Test
  void deleteByIdsAndByFilter() {
    upsert(
        C,
        point(1, payload("k", "x"), 1, 0, 0),
        point(2, payload("k", "y"), 0, 1, 0),
        point(3, payload("k", "x"), 0, 0, 1),
        point(4, payload("k", "z"), 1, 1, 0));
    await(client.deleteAsync(C, List.of(id(2), id(99))));
    assertUnorderedIds(List.of(1L, 3L, 4L), scrollAll());
    await(client.deleteAsync(C, Filter.newBuilder().addMust(matchKeyword("k", "x")).build()));
    assertUnorderedIds(List.of(4L), scrollAll());
  }

  private List<RetrievedPoint> scrollAll() {
    return await(
            client.scrollAsync(
                ScrollPoints.newBuilder().setCollectionName(C).setLimit(1000).build()))
        .getResultList();
  }

  @Test
  void getHonoursPayloadAndVectorSelectorsAndSkipsMissingIds() {
    upsert(C, point(1, payload("a", 1, "b", "two", "m", obj("x", 1, "y", 2)), 3, 0, 4));
    List<RetrievedPoint> none = get(List.of(id(1), id(404)), false, false);
    assertEquals(1, none.size());
    assertTrue(none.get(0).getPayloadMap().isEmpty());
    assertFalse(none.get(0).hasVectors());

    List<RetrievedPoint> include =
        await(
            client.retrieveAsync(
                C,
                List.of(id(1)),
                WithPayloadSelector.newBuilder()
                    .setInclude(PayloadIncludeSelector.newBuilder().addFields("a").addFields("m.y"))
                    .build(),
                WithVectorsSelectorFactory.enable(true),
                null));
    assertEquals(payload("a", 1, "m", obj("y", 2)), include.get(0).getPayloadMap());
    assertEquals(
        List.of(0.6f, 0f, 0.8f), include.get(0).getVectors().getVector().getDense().getDataList());

    List<RetrievedPoint> exclude =
        await(
            client.retrieveAsync(
                C,
                List.of(id(1)),
                WithPayloadSelector.newBuilder()
                    .setExclude(PayloadExcludeSelector.newBuilder().addFields("b").addFields("m.x"))
                    .build(),
                WithVectorsSelectorFactory.enable(false),
                null));
    assertEquals(payload("a", 1, "m", obj("y", 2)), exclude.get(0).getPayloadMap());
    assertFalse(exclude.get(0).hasVectors());
  }

  @Test
  void setOverwriteDeleteAndClearPayload() {
    upsert(C, point(1, payload("a", 1, "b", 2), 1, 0, 0), point(2, payload("a", 9), 0, 1, 0));

    await(client.setPayloadAsync(C, payload("b", 3, "c", "new"), id(1), true, null, null));
    assertEquals(
        payload("a", 1, "b", 3, "c", "new"),
        get(List.of(id(1)), true, false).get(0).getPayloadMap());

    // set_payload with a key writes inside a nested object
    await(
        client.setPayloadAsync(
            C,
            payload("project", "p1"),
            io.qdrant.client.grpc.Points.PointsSelector.newBuilder()
                .setPoints(io.qdrant.client.grpc.Points.PointsIdsList.newBuilder().addIds(id(2)))
                .build(),
            true,
            "metadata",
            null,
            null));
    assertEquals(
        payload("a", 9, "metadata", obj("project", "p1")),
        get(List.of(id(2)), true, false).get(0).getPayloadMap());

    await(client.overwritePayloadAsync(C, payload("only", true), id(1), true, null, null));
    assertEquals(payload("only", true), get(List.of(id(1)), true, false).get(0).getPayloadMap());

    await(client.deletePayloadAsync(C, List.of("metadata.project"), id(2), true, null, null));
    assertEquals(
        payload("a", 9, "metadata", obj()),
        get(List.of(id(2)), true, false).get(0).getPayloadMap());

    await(
        client.setPayloadAsync(
            C, payload("tag", "all"), Filter.newBuilder().build(), true, null, null));
    await(client.clearPayloadAsync(C, List.of(id(1)), true, null, null));
    assertTrue(get(List.of(id(1)), true, false).get(0).getPayloadMap().isEmpty());
    assertEquals(
        "all", get(List.of(id(2)), true, false).get(0).getPayloadMap().get("tag").getStringValue());
  }

  @Test
  void scrollPagesInIdOrderWithNextOffset() {
    List<PointStruct> points = new ArrayList<>();
    for (long i = 10; i >= 1; i--) {
      points.add(point(i, payload("even", i % 2 == 0), 1, i, 0));
    }
    points.add(
        point(id(UUID.fromString("00000000-0000-0000-0000-000000000001")), payload(), 1, 1, 1));
    await(client.upsertAsync(C, points));

    ScrollResponse page1 =
        await(
            client.scrollAsync(ScrollPoints.newBuilder().setCollectionName(C).setLimit(4).build()));
    assertIds(List.of(1L, 2L, 3L, 4L), page1.getResultList());
    assertEquals(5L, page1.getNextPageOffset().getNum());
    assertFalse(page1.getResult(0).getPayloadMap().isEmpty(), "scroll returns payload by default");

    ScrollResponse page3 =
        await(
            client.scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(C)
                    .setLimit(4)
                    .setOffset(id(9))
                    .build()));
    assertEquals(3, page3.getResultCount());
    assertEquals(10L, page3.getResult(1).getId().getNum());
    assertTrue(
        page3.getResult(2).getId().hasField(PointId.getDescriptor().findFieldByName("uuid")),
        "UUIDs sort after integers");
    assertFalse(page3.hasNextPageOffset());

    ScrollResponse filtered =
        await(
            client.scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(C)
                    .setFilter(
                        Filter.newBuilder()
                            .addMust(io.qdrant.client.ConditionFactory.match("even", true)))
                    .setLimit(2)
                    .setWithPayload(enable(false))
                    .setWithVectors(WithVectorsSelectorFactory.enable(true))
                    .build()));
    assertIds(List.of(2L, 4L), filtered.getResultList());
    assertEquals(6L, filtered.getNextPageOffset().getNum());
    assertTrue(filtered.getResult(0).getPayloadMap().isEmpty());
    assertEquals(3, filtered.getResult(0).getVectors().getVector().getDense().getDataCount());
  }

  @Test
  void scrollOrderByNeedsARangeIndexAndSortsByTheKey() {
    upsert(
        C,
        point(1, payload("rank", 30), 1, 0, 0),
        point(2, payload("rank", 10), 0, 1, 0),
        point(3, payload("rank", 20), 0, 0, 1),
        point(4, payload("other", 1), 1, 1, 1));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "No range index for `order_by` key: `rank`",
        () ->
            await(
                client.scrollAsync(
                    ScrollPoints.newBuilder()
                        .setCollectionName(C)
                        .setOrderBy(OrderBy.newBuilder().setKey("rank"))
                        .build())));
    await(
        client.createPayloadIndexAsync(
            C, "rank", PayloadSchemaType.Integer, null, true, null, null));

    ScrollResponse asc =
        await(
            client.scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(C)
                    .setOrderBy(OrderBy.newBuilder().setKey("rank"))
                    .build()));
    assertIds(List.of(2L, 3L, 1L), asc.getResultList());
    assertEquals(10L, asc.getResult(0).getOrderValue().getInt());
    assertFalse(asc.hasNextPageOffset());

    ScrollResponse desc =
        await(
            client.scrollAsync(
                ScrollPoints.newBuilder()
                    .setCollectionName(C)
                    .setLimit(2)
                    .setOrderBy(
                        OrderBy.newBuilder()
                            .setKey("rank")
                            .setDirection(Direction.Desc)
                            .setStartFrom(StartFrom.newBuilder().setInteger(20)))
                    .build()));
    assertIds(List.of(3L, 2L), desc.getResultList());
  }

  @Test
  void countIsExactWithAndWithoutFilter() {
    for (int i = 0; i < 25; i++) {
      upsert(C, point(i, payload("group", i % 5 == 0 ? "five" : "other"), 1, i, 1));
    }
    assertEquals(25L, await(client.countAsync(C)));
    assertEquals(
        5L,
        await(
            client.countAsync(
                C, Filter.newBuilder().addMust(matchKeyword("group", "five")).build(), true)));
  }

  private void searchFixture() {
    upsert(
        C,
        point(1, payload("lang", "en", "title", "one"), 1, 0, 0),
        point(2, payload("lang", "de", "title", "two"), 0.9f, 0.1f, 0),
        point(3, payload("lang", "en", "title", "three"), 0, 1, 0),
        point(4, payload("lang", "en", "title", "four"), -1, 0, 0));
  }

  @Test
  void searchRanksByCosineWithFilterLimitOffsetAndThreshold() {
    searchFixture();
    List<ScoredPoint> all =
        await(
            client.searchAsync(
                SearchPoints.newBuilder()
                    .setCollectionName(C)
                    .addAllVector(List.of(2f, 0f, 0f))
                    .setLimit(10)
                    .setWithPayload(enable(true))
                    .build()));
    assertIds(List.of(1L, 2L, 3L, 4L), all);
    assertEquals(1.0f, all.get(0).getScore(), 1e-6);
    assertEquals(0.9f / (float) Math.sqrt(0.82), all.get(1).getScore(), 1e-5);
    assertEquals(0f, all.get(2).getScore(), 1e-6);
    assertEquals(-1.0f, all.get(3).getScore(), 1e-6);
    assertEquals("one", all.get(0).getPayloadMap().get("title").getStringValue());

    List<ScoredPoint> filtered =
        await(
            client.searchAsync(
                SearchPoints.newBuilder()
                    .setCollectionName(C)
                    .addAllVector(List.of(1f, 0f, 0f))
                    .setFilter(Filter.newBuilder().addMust(matchKeyword("lang", "en")))
                    .setLimit(2)
                    .setOffset(1)
                    .build()));
    assertIds(List.of(3L, 4L), filtered);
    assertTrue(filtered.get(0).getPayloadMap().isEmpty(), "no payload unless asked");

    List<ScoredPoint> threshold =
        await(
            client.searchAsync(
                SearchPoints.newBuilder()
                    .setCollectionName(C)
                    .addAllVector(List.of(1f, 0f, 0f))
                    .setScoreThreshold(0f)
                    .setLimit(10)
                    .build()));
    assertIds(List.of(1L, 2L), threshold); // strict: a score equal to the threshold is excluded
  }

  @Test
  void searchBatchAnswersEachSearchInOrder() {
    searchFixture();
    List<BatchResult> results =
        await(
            client.searchBatchAsync(
                C,
                List.of(
                    SearchPoints.newBuilder()
                        .setCollectionName(C)
                        .addAllVector(List.of(0f, 1f, 0f))
                        .setLimit(1)
                        .build(),
                    SearchPoints.newBuilder()
                        .setCollectionName(C)
                        .addAllVector(List.of(-1f, 0f, 0f))
                        .setLimit(2)
                        .build()),
                null));
    assertEquals(2, results.size());
    assertIds(List.of(3L), results.get(0).getResultList());
    assertIds(List.of(4L, 3L), results.get(1).getResultList());
  }

  @Test
  void queryNearestByVectorAndById() {
    searchFixture();
    List<ScoredPoint> byVector =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName(C)
                    .setQuery(nearest(1f, 0f, 0f))
                    .setFilter(Filter.newBuilder().addMustNot(matchKeyword("lang", "de")))
                    .setLimit(2)
                    .setWithPayload(enable(true))
                    .build()));
    assertIds(List.of(1L, 3L), byVector);
    assertEquals("en", byVector.get(0).getPayloadMap().get("lang").getStringValue());

    List<ScoredPoint> byId =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName(C)
                    .setQuery(nearest(id(1)))
                    .setLimit(1)
                    .build()));
    assertIds(List.of(2L), byId);

    List<BatchResult> batch =
        await(
            client.queryBatchAsync(
                C,
                List.of(
                    QueryPoints.newBuilder()
                        .setCollectionName(C)
                        .setQuery(nearest(0f, 1f, 0f))
                        .setLimit(1)
                        .build(),
                    QueryPoints.newBuilder()
                        .setCollectionName(C)
                        .setQuery(nearest(1f, 0f, 0f))
                        .setScoreThreshold(0.5f)
                        .setOffset(1)
                        .build())));
    assertIds(List.of(3L), batch.get(0).getResultList());
    assertIds(List.of(2L), batch.get(1).getResultList());
  }

  @Test
  void distancesScoreAsQdrantDoes() {
    createCollection("dot", 2, Distance.Dot);
    createCollection("euclid", 2, Distance.Euclid);
    createCollection("manhattan", 2, Distance.Manhattan);
    for (String c : List.of("dot", "euclid", "manhattan")) {
      upsert(c, point(1, payload(), 3, 4), point(2, payload(), 1, 1), point(3, payload(), 10, 0));
    }
    List<ScoredPoint> dot =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName("dot")
                    .setQuery(nearest(1f, 0f))
                    .build()));
    assertIds(List.of(3L, 1L, 2L), dot);
    assertEquals(10f, dot.get(0).getScore(), 1e-6);

    List<ScoredPoint> euclid =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName("euclid")
                    .setQuery(nearest(0f, 0f))
                    .build()));
    assertIds(List.of(2L, 1L, 3L), euclid);
    assertEquals((float) Math.sqrt(2), euclid.get(0).getScore(), 1e-6);
    assertEquals(5f, euclid.get(1).getScore(), 1e-6);

    List<ScoredPoint> manhattan =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName("manhattan")
                    .setQuery(nearest(0f, 0f))
                    .setScoreThreshold(8f)
                    .build()));
    assertIds(List.of(2L, 1L), manhattan);
    assertEquals(7f, manhattan.get(1).getScore(), 1e-6);
  }

  @Test
  void namedVectorsAreWrittenSearchedAndSelectedByName() {
    await(
        client.createCollectionAsync(
            "named",
            Map.of(
                "text", VectorParams.newBuilder().setSize(2).setDistance(Distance.Dot).build(),
                "image", VectorParams.newBuilder().setSize(3).setDistance(Distance.Dot).build())));
    await(
        client.upsertAsync(
            "named",
            List.of(
                PointStruct.newBuilder()
                    .setId(id(1))
                    .setVectors(
                        namedVectors(
                            Map.of(
                                "text",
                                VectorFactory.vector(1f, 0f),
                                "image",
                                VectorFactory.vector(0f, 0f, 1f))))
                    .build(),
                PointStruct.newBuilder()
                    .setId(id(2))
                    .setVectors(namedVectors(Map.of("text", VectorFactory.vector(0f, 1f))))
                    .build())));
    List<ScoredPoint> text =
        await(
            client.queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName("named")
                    .setUsing("text")
                    .setQuery(nearest(0f, 1f))
                    .build()));
    assertIds(List.of(2L, 1L), text);
    List<ScoredPoint> image =
        await(
            client.searchAsync(
                SearchPoints.newBuilder()
                    .setCollectionName("named")
                    .setVectorName("image")
                    .addAllVector(List.of(0f, 0f, 1f))
                    .setLimit(5)
                    .setWithVectors(
                        WithVectorsSelector.newBuilder()
                            .setInclude(
                                io.qdrant.client.grpc.Points.VectorsSelector.newBuilder()
                                    .addNames("image")))
                    .build()));
    assertIds(List.of(1L), image); // point 2 has no image vector
    assertEquals(
        List.of("image"),
        List.copyOf(image.get(0).getVectors().getVectors().getVectorsMap().keySet()));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "Not existing vector name error: audio",
        () ->
            await(
                client.queryAsync(
                    QueryPoints.newBuilder()
                        .setCollectionName("named")
                        .setUsing("audio")
                        .setQuery(nearest(0f, 1f))
                        .build())));
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "expected dim: 3, got 2",
        () ->
            await(
                client.upsertAsync(
                    "named",
                    List.of(
                        PointStruct.newBuilder()
                            .setId(id(3))
                            .setVectors(namedVectors(Map.of("image", VectorFactory.vector(1f, 0f))))
                            .build()))));
  }

  @Test
  void payloadValuesRoundTripExactly() {
    Map<String, io.qdrant.client.grpc.JsonWithInt.Value> p =
        payload(
            "s",
            "text",
            "i",
            Long.MIN_VALUE,
            "d",
            0.25,
            "b",
            false,
            "n",
            io.qdrant.client.ValueFactory.nullValue(),
            "l",
            list("a", 1, true),
            "o",
            obj("deep", obj("er", "x")));
    upsert(C, point(1, p, 1, 2, 3));
    assertEquals(p, get(List.of(id(1)), true, false).get(0).getPayloadMap());
    assertEquals(
        value("x"),
        p.get("o")
            .getStructValue()
            .getFieldsOrThrow("deep")
            .getStructValue()
            .getFieldsOrThrow("er"));
  }
}
