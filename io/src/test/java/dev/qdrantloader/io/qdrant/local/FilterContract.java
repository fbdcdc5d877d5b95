package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static io.qdrant.client.ConditionFactory.datetimeRange;
import static io.qdrant.client.ConditionFactory.filter;
import static io.qdrant.client.ConditionFactory.geoBoundingBox;
import static io.qdrant.client.ConditionFactory.geoRadius;
import static io.qdrant.client.ConditionFactory.hasId;
import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.isNull;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchExceptKeywords;
import static io.qdrant.client.ConditionFactory.matchExceptValues;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.ConditionFactory.matchPhrase;
import static io.qdrant.client.ConditionFactory.matchText;
import static io.qdrant.client.ConditionFactory.matchTextAny;
import static io.qdrant.client.ConditionFactory.matchValues;
import static io.qdrant.client.ConditionFactory.nested;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.ConditionFactory.valuesCount;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.DatetimeRange;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.MinShould;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.Common.ValuesCount;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.SearchPoints;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every filter form, evaluated the way Qdrant evaluates it, through scroll, count and search. */
abstract class FilterContract extends QdrantContract {
  static final String C = "filters";

  @BeforeEach
  void data() {
    createCollection(C, 2, Distance.Dot);
    upsert(
        C,
        point(
            1,
            payload(
                "city",
                "Berlin",
                "tags",
                list("red", "blue"),
                "n",
                1,
                "price",
                9.5,
                "ok",
                true,
                "metadata",
                obj("project_id", "p1", "lang", "en"),
                "created",
                "2024-01-15T10:00:00Z",
                "text",
                "The quick brown fox",
                "items",
                list(obj("sku", "a", "qty", 1), obj("sku", "b", "qty", 5)),
                "loc",
                obj("lon", 13.40, "lat", 52.52)),
            1,
            0),
        point(
            2,
            payload(
                "city",
                "London",
                "tags",
                list("green"),
                "n",
                2,
                "price",
                20,
                "ok",
                false,
                "metadata",
                obj("project_id", "p2"),
                "created",
                "2024-03-01T00:00:00+01:00",
                "text",
                "Lazy dogs sleep",
                "items",
                list(obj("sku", "a", "qty", 7)),
                "nul",
                nullValue(),
                "loc",
                obj("lon", -0.13, "lat", 51.51)),
            0.5f,
            0.5f),
        point(
            3,
            payload(
                "city",
                "Berlin",
                "tags",
                list(),
                "n",
                3,
                "ok",
                true,
                "metadata",
                obj("project_id", "p1"),
                "created",
                "2023-12-31",
                "text",
                "quick thinking",
                "nul",
                list(nullValue())),
            0,
            1),
        point(4, payload(), 1, 1),
        point(5, payload("city", 5, "tags", list("red"), "n", 2.5), -1, 0));
  }

  private List<Long> matching(Condition... must) {
    return matching(Filter.newBuilder().addAllMust(List.of(must)).build());
  }

  private List<Long> matching(Filter f) {
    List<Long> viaScroll =
        ids(
            await(
                    client.scrollAsync(
                        ScrollPoints.newBuilder()
                            .setCollectionName(C)
                            .setFilter(f)
                            .setLimit(100)
                            .build()))
                .getResultList());
    long viaCount = await(client.countAsync(C, f, true));
    assertEquals(viaScroll.size(), viaCount, "count and scroll agree");
    List<Long> viaSearch =
        ids(
            await(
                client.searchAsync(
                    SearchPoints.newBuilder()
                        .setCollectionName(C)
                        .addAllVector(List.of(1f, 1f))
                        .setFilter(f)
                        .setLimit(100)
                        .build())));
    assertEquals(viaScroll, viaSearch.stream().sorted().toList(), "search filters the same points");
    return viaScroll;
  }

  @Test
  void matchKeywordIntegerAndBoolAreTypeStrict() {
    assertEquals(List.of(1L, 3L), matching(matchKeyword("city", "Berlin")));
    assertEquals(List.of(2L), matching(match("n", 2))); // 2.5 is a float, not the integer 2
    assertEquals(List.of(1L, 3L), matching(match("ok", true)));
    assertEquals(List.of(2L), matching(match("ok", false)));
    assertEquals(List.of(), matching(matchKeyword("n", "1")));
  }

  @Test
  void matchAnyAndExcept() {
    assertEquals(List.of(1L, 2L, 3L), matching(matchKeywords("city", List.of("Berlin", "London"))));
    assertEquals(List.of(1L, 3L), matching(matchValues("n", List.of(1L, 3L))));
    // except: some value outside the list; other types count as outside; missing never matches
    assertEquals(List.of(2L, 5L), matching(matchExceptKeywords("city", List.of("Berlin"))));
    assertEquals(List.of(1L, 2L), matching(matchExceptKeywords("tags", List.of("red"))));
    assertEquals(List.of(2L, 3L, 5L), matching(matchExceptValues("n", List.of(1L))));
  }

  @Test
  void arrayFieldsMatchAnyElement() {
    assertEquals(List.of(1L), matching(matchKeyword("tags", "blue")));
    assertEquals(List.of(1L, 5L), matching(matchKeyword("tags", "red")));
  }

  @Test
  void nestedKeysWithDotsAndArraysOfObjects() {
    assertEquals(List.of(1L, 3L), matching(matchKeyword("metadata.project_id", "p1")));
    assertEquals(List.of(1L), matching(matchKeyword("metadata.lang", "en")));
    // an array on the way needs [] (as in Qdrant)
    assertEquals(List.of(), matching(matchKeyword("items.sku", "a")));
    assertEquals(List.of(1L, 2L), matching(matchKeyword("items[].sku", "a")));
    // plain conditions on items[] may be met by different elements...
    assertEquals(
        List.of(1L, 2L),
        matching(
            matchKeyword("items[].sku", "a"),
            range("items[].qty", Range.newBuilder().setGt(3).build())));
    // ...a nested condition needs one element to meet them all
    assertEquals(
        List.of(2L),
        matching(
            nested(
                "items",
                Filter.newBuilder()
                    .addMust(matchKeyword("sku", "a"))
                    .addMust(range("qty", Range.newBuilder().setGt(3).build()))
                    .build())));
  }

  @Test
  void textMatchIsSubstringWithoutIndexAndTokenisedWithOne() {
    assertEquals(List.of(1L, 3L), matching(matchText("text", "quick")));
    assertEquals(List.of(), matching(matchText("text", "Quick")));
    assertEquals(List.of(2L, 3L), matching(matchTextAny("text", "dogs thinking")));

    await(
        client.createPayloadIndexAsync(C, "text", PayloadSchemaType.Text, null, true, null, null));
    assertEquals(List.of(1L), matching(matchText("text", "FOX quick")));
    assertEquals(List.of(1L), matching(matchPhrase("text", "brown fox")));
    assertEquals(List.of(), matching(matchPhrase("text", "fox brown")));
    assertEquals(List.of(2L, 3L), matching(matchTextAny("text", "DOGS thinking")));
  }

  @Test
  void numericRanges() {
    assertEquals(List.of(2L, 3L, 5L), matching(range("n", Range.newBuilder().setGte(2).build())));
    assertEquals(List.of(1L), matching(range("price", Range.newBuilder().setLt(10).build())));
    assertEquals(
        List.of(2L, 5L), matching(range("n", Range.newBuilder().setGt(1).setLte(2.5).build())));
    // strings never satisfy a range; the one numeric "city" does
    assertEquals(List.of(5L), matching(range("city", Range.newBuilder().setGte(0).build())));
  }

  private static Timestamp ts(String iso) {
    Instant i = Instant.parse(iso);
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  @Test
  void datetimeRangesReadRfc3339AndRelatives() {
    assertEquals(
        List.of(1L, 2L),
        matching(
            datetimeRange(
                "created", DatetimeRange.newBuilder().setGte(ts("2024-01-01T00:00:00Z")).build())));
    assertEquals(
        List.of(3L),
        matching(
            datetimeRange(
                "created", DatetimeRange.newBuilder().setLt(ts("2024-01-01T00:00:00Z")).build())));
    // 2024-03-01T00:00:00+01:00 is 2024-02-29T23:00:00Z
    assertEquals(
        List.of(2L),
        matching(
            datetimeRange(
                "created",
                DatetimeRange.newBuilder()
                    .setGte(ts("2024-02-29T23:00:00Z"))
                    .setLte(ts("2024-02-29T23:00:00Z"))
                    .build())));
  }

  @Test
  void valuesCountCountsArrayElements() {
    assertEquals(
        List.of(1L), matching(valuesCount("tags", ValuesCount.newBuilder().setGte(2).build())));
    assertEquals(
        List.of(3L, 4L), matching(valuesCount("tags", ValuesCount.newBuilder().setLt(1).build())));
    assertEquals(
        List.of(2L, 5L),
        matching(valuesCount("tags", ValuesCount.newBuilder().setGte(1).setLte(1).build())));
  }

  @Test
  void isEmptyAndIsNull() {
    assertEquals(List.of(3L, 4L), matching(isEmpty("tags")));
    assertEquals(List.of(1L, 2L, 4L, 5L), matching(isEmpty("nul"))); // [null] is not empty
    assertEquals(List.of(2L), matching(isNull("nul"))); // only an explicit null
  }

  @Test
  void hasIdMatchesListedIds() {
    assertEquals(List.of(1L, 3L), matching(hasId(List.of(id(1), id(3), id(99)))));
  }

  @Test
  void mustShouldMustNotAndMinShould() {
    assertEquals(
        List.of(2L, 4L, 5L),
        matching(Filter.newBuilder().addMustNot(matchKeyword("city", "Berlin")).build()));
    assertEquals(
        List.of(2L, 3L),
        matching(
            Filter.newBuilder()
                .addShould(matchKeyword("city", "London"))
                .addShould(match("n", 3))
                .build()));
    assertEquals(
        List.of(1L, 3L),
        matching(
            Filter.newBuilder()
                .setMinShould(
                    MinShould.newBuilder()
                        .addConditions(match("ok", true))
                        .addConditions(matchKeyword("city", "Berlin"))
                        .addConditions(matchKeyword("tags", "red"))
                        .setMinCount(2))
                .build()));
    assertEquals(
        List.of(3L),
        matching(
            Filter.newBuilder()
                .addMust(matchKeyword("metadata.project_id", "p1"))
                .addShould(isEmpty("tags"))
                .addShould(match("n", 2))
                .addMustNot(hasId(id(1)))
                .build()));
    // a nested filter condition
    assertEquals(
        List.of(1L, 2L, 4L, 5L),
        matching(
            Filter.newBuilder()
                .addMustNot(
                    filter(
                        Filter.newBuilder()
                            .addMust(match("ok", true))
                            .addMust(match("n", 3))
                            .build()))
                .build()));
  }

  @Test
  void geoRadiusAndBoundingBox() {
    assertEquals(List.of(1L), matching(geoRadius("loc", 52.50, 13.40, 10_000f)));
    assertEquals(List.of(2L), matching(geoBoundingBox("loc", 52.0, -1.0, 51.0, 1.0)));
  }

  @Test
  void emptyFieldConditionIsRefused() {
    assertFails(
        Status.Code.INVALID_ARGUMENT,
        "`city` has no match",
        () ->
            await(
                client.countAsync(
                    C,
                    Filter.newBuilder()
                        .addMust(
                            Condition.newBuilder()
                                .setField(
                                    io.qdrant.client.grpc.Common.FieldCondition.newBuilder()
                                        .setKey("city")))
                        .build(),
                    true)));
  }
}
