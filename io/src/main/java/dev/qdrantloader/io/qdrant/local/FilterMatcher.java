package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.DatetimeRange;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.GeoPoint;
import io.qdrant.client.grpc.Common.Match;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.Common.ValuesCount;
import io.qdrant.client.grpc.JsonWithInt.Value;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a Qdrant {@link Filter} against one point. Built once per request: it validates the
 * filter up front (so a bad filter is an INVALID_ARGUMENT, not a silent non-match) and caches the
 * id sets of {@code has_id} conditions.
 */
final class FilterMatcher {
  private final Filter filter;
  private final Map<String, FieldIndex> indexes;
  private final List<String> vectorNames;
  private final Map<Condition, Set<PointKey>> idSets = new java.util.IdentityHashMap<>();
  private final Map<Match, Set<String>> keywordSets = new java.util.IdentityHashMap<>();

  FilterMatcher(Filter filter, Map<String, FieldIndex> indexes, List<String> vectorNames) {
    this.vectorNames = vectorNames;
    this.filter = filter;
    this.indexes = indexes;
    validate(filter);
  }

  private void validate(Filter f) {
    for (Condition c : f.getMustList()) {
      validate(c);
    }
    for (Condition c : f.getShouldList()) {
      validate(c);
    }
    for (Condition c : f.getMustNotList()) {
      validate(c);
    }
    if (f.hasMinShould()) {
      for (Condition c : f.getMinShould().getConditionsList()) {
        validate(c);
      }
    }
  }

  private void validate(Condition c) {
    switch (c.getConditionOneOfCase()) {
      case FIELD:
        validateField(c.getField());
        keywordSet(c.getField());
        break;
      case HAS_ID:
        {
          Set<PointKey> ids = new HashSet<>();
          for (PointId id : c.getHasId().getHasIdList()) {
            ids.add(PointKey.of(id));
          }
          idSets.put(c, ids);
          break;
        }
      case FILTER:
        validate(c.getFilter());
        break;
      case NESTED:
        validate(c.getNested().getFilter());
        break;
      case IS_EMPTY:
      case IS_NULL:
      case HAS_VECTOR:
        break;
      default:
        throw QdrantErrors.invalid("Wrong input: empty condition in filter");
    }
  }

  /** Keyword lists of match-any / except become hash sets once, not a list scan per point. */
  private void keywordSet(FieldCondition f) {
    if (!f.hasMatch()) {
      return;
    }
    Match m = f.getMatch();
    if (m.getMatchValueCase() == Match.MatchValueCase.KEYWORDS) {
      keywordSets.put(m, new HashSet<>(m.getKeywords().getStringsList()));
    } else if (m.getMatchValueCase() == Match.MatchValueCase.EXCEPT_KEYWORDS) {
      keywordSets.put(m, new HashSet<>(m.getExceptKeywords().getStringsList()));
    }
  }

  private Set<String> keywords(Match m, List<String> list) {
    Set<String> set = keywordSets.get(m);
    return set != null ? set : new HashSet<>(list);
  }

  private static void validateField(FieldCondition f) {
    if (f.getKey().isEmpty()) {
      throw QdrantErrors.invalid("Wrong input: field condition without a key");
    }
    if (f.hasGeoPolygon()) {
      throw QdrantErrors.unimplemented("geo_polygon filtering");
    }
    boolean any =
        f.hasMatch()
            || f.hasRange()
            || f.hasDatetimeRange()
            || f.hasValuesCount()
            || f.hasGeoBoundingBox()
            || f.hasGeoRadius()
            || f.hasIsEmpty()
            || f.hasIsNull();
    if (!any) {
      throw QdrantErrors.invalid(
          "Wrong input: field condition on `" + f.getKey() + "` has no match, range or count");
    }
    if (f.hasMatch()
        && f.getMatch().getMatchValueCase() == Match.MatchValueCase.MATCHVALUE_NOT_SET) {
      throw QdrantErrors.invalid("Wrong input: empty match on `" + f.getKey() + "`");
    }
  }

  /** Whether the point satisfies the filter this matcher was built for. */
  boolean matches(StoredPoint p) {
    return matchesFilter(filter, p.payload, p);
  }

  private boolean matchesFilter(Filter f, Map<String, Value> payload, StoredPoint t) {
    for (Condition c : f.getMustList()) {
      if (!matchesCondition(c, payload, t)) {
        return false;
      }
    }
    for (Condition c : f.getMustNotList()) {
      if (matchesCondition(c, payload, t)) {
        return false;
      }
    }
    if (f.getShouldCount() > 0) {
      boolean any = false;
      for (Condition c : f.getShouldList()) {
        if (matchesCondition(c, payload, t)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    if (f.hasMinShould()) {
      long need = f.getMinShould().getMinCount();
      long have = 0;
      for (Condition c : f.getMinShould().getConditionsList()) {
        if (matchesCondition(c, payload, t) && ++have >= need) {
          break;
        }
      }
      if (have < need) {
        return false;
      }
    }
    return true;
  }

  private boolean matchesCondition(Condition c, Map<String, Value> payload, StoredPoint t) {
    switch (c.getConditionOneOfCase()) {
      case FIELD:
        return matchesField(c.getField(), payload);
      case IS_EMPTY:
        return isEmpty(payload, c.getIsEmpty().getKey());
      case IS_NULL:
        return isNull(payload, c.getIsNull().getKey());
      case HAS_ID:
        return t != null && idSets.get(c).contains(t.key);
      case FILTER:
        return matchesFilter(c.getFilter(), payload, t);
      case NESTED:
        for (Value element : Payloads.values(payload, c.getNested().getKey())) {
          if (element.hasStructValue()
              && matchesFilter(
                  c.getNested().getFilter(), element.getStructValue().getFieldsMap(), null)) {
            return true;
          }
        }
        return false;
      case HAS_VECTOR:
        {
          int slot = vectorNames.indexOf(c.getHasVector().getHasVector());
          return t != null && slot >= 0 && t.vectors[slot] != null;
        }
      default:
        return false;
    }
  }

  /** Missing, null and [] are empty; [null] is not. Every value of a multi-valued path must be. */
  static boolean isEmpty(Map<String, Value> payload, String key) {
    for (Value v : Payloads.rawValues(payload, key)) {
      boolean empty =
          v.hasNullValue() || (v.hasListValue() && v.getListValue().getValuesCount() == 0);
      if (!empty) {
        return false;
      }
    }
    return true;
  }

  /** Only an explicit null is null (a missing key, [] and [null] are not). */
  static boolean isNull(Map<String, Value> payload, String key) {
    for (Value v : Payloads.rawValues(payload, key)) {
      if (v.hasNullValue()) {
        return true;
      }
    }
    return false;
  }

  /** The field-condition form of is_null also counts a null inside an array. */
  private static boolean isNullOrHasNull(Map<String, Value> payload, String key) {
    if (isNull(payload, key)) {
      return true;
    }
    for (Value v : Payloads.values(payload, key)) {
      if (v.hasNullValue()) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesField(FieldCondition f, Map<String, Value> payload) {
    String key = f.getKey();
    List<Value> values = Payloads.values(payload, key);
    if (f.hasMatch() && !matchesMatch(f.getMatch(), key, values)) {
      return false;
    }
    if (f.hasRange() && !anyInRange(f.getRange(), values)) {
      return false;
    }
    if (f.hasDatetimeRange() && !anyInDatetimeRange(f.getDatetimeRange(), values)) {
      return false;
    }
    if (f.hasValuesCount() && !countMatches(f.getValuesCount(), payload, key)) {
      return false;
    }
    if (f.hasGeoBoundingBox() && !anyGeo(values, f)) {
      return false;
    }
    if (f.hasGeoRadius() && !anyGeo(values, f)) {
      return false;
    }
    if (f.hasIsEmpty() && isEmpty(payload, key) != f.getIsEmpty()) {
      return false;
    }
    if (f.hasIsNull() && isNullOrHasNull(payload, key) != f.getIsNull()) {
      return false;
    }
    return true;
  }

  private boolean matchesMatch(Match m, String key, List<Value> values) {
    switch (m.getMatchValueCase()) {
      case KEYWORD:
        for (Value v : values) {
          if (v.hasStringValue() && v.getStringValue().equals(m.getKeyword())) {
            return true;
          }
        }
        return false;
      case INTEGER:
        for (Value v : values) {
          if (v.hasIntegerValue() && v.getIntegerValue() == m.getInteger()) {
            return true;
          }
        }
        return false;
      case BOOLEAN:
        for (Value v : values) {
          if (v.hasBoolValue() && v.getBoolValue() == m.getBoolean()) {
            return true;
          }
        }
        return false;
      case KEYWORDS:
        {
          Set<String> wanted = keywords(m, m.getKeywords().getStringsList());
          for (Value v : values) {
            if (v.hasStringValue() && wanted.contains(v.getStringValue())) {
              return true;
            }
          }
          return false;
        }
      case INTEGERS:
        {
          List<Long> wanted = m.getIntegers().getIntegersList();
          for (Value v : values) {
            if (v.hasIntegerValue() && wanted.contains(v.getIntegerValue())) {
              return true;
            }
          }
          return false;
        }
      case EXCEPT_KEYWORDS:
        {
          Set<String> excluded = keywords(m, m.getExceptKeywords().getStringsList());
          return exceptMatches(
              values, v -> v.hasStringValue() && excluded.contains(v.getStringValue()));
        }
      case EXCEPT_INTEGERS:
        {
          List<Long> excluded = m.getExceptIntegers().getIntegersList();
          return exceptMatches(
              values, v -> v.hasIntegerValue() && excluded.contains(v.getIntegerValue()));
        }
      case TEXT:
        return textMatches(key, values, m.getText(), false, false);
      case PHRASE:
        return textMatches(key, values, m.getPhrase(), true, false);
      case TEXT_ANY:
        return textMatches(key, values, m.getTextAny(), false, true);
      default:
        return false;
    }
  }

  /**
   * Qdrant's {@code except}: some value of the field is outside the excluded list (a value of
   * another type counts as outside); a missing, null or empty field does not match.
   */
  private static boolean exceptMatches(
      List<Value> values, java.util.function.Predicate<Value> excluded) {
    for (Value v : values) {
      if (!v.hasNullValue() && !excluded.test(v)) {
        return true;
      }
    }
    return false;
  }

  private boolean textMatches(
      String key, List<Value> values, String query, boolean phrase, boolean anyToken) {
    FieldIndex index = indexes.get(key);
    boolean tokenized = index != null && index.type == PayloadSchemaType.Text;
    for (Value v : values) {
      if (!v.hasStringValue()) {
        continue;
      }
      String text = v.getStringValue();
      if (!tokenized) {
        if (anyToken) {
          for (String word : query.split("\\s+")) {
            if (!word.isEmpty() && text.contains(word)) {
              return true;
            }
          }
        } else if (text.contains(query)) {
          return true;
        }
        continue;
      }
      List<String> have = index.tokens(text);
      List<String> want = index.tokens(query);
      if (want.isEmpty()) {
        continue;
      }
      if (phrase) {
        if (java.util.Collections.indexOfSubList(have, want) >= 0) {
          return true;
        }
      } else if (anyToken) {
        for (String w : want) {
          if (have.contains(w)) {
            return true;
          }
        }
      } else if (new HashSet<>(have).containsAll(want)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyInRange(Range r, List<Value> values) {
    for (Value v : values) {
      double d;
      if (v.hasIntegerValue()) {
        d = v.getIntegerValue();
      } else if (v.hasDoubleValue()) {
        d = v.getDoubleValue();
      } else {
        continue;
      }
      if ((!r.hasLt() || d < r.getLt())
          && (!r.hasLte() || d <= r.getLte())
          && (!r.hasGt() || d > r.getGt())
          && (!r.hasGte() || d >= r.getGte())) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyInDatetimeRange(DatetimeRange r, List<Value> values) {
    Instant lt = r.hasLt() ? DateTimes.of(r.getLt()) : null;
    Instant lte = r.hasLte() ? DateTimes.of(r.getLte()) : null;
    Instant gt = r.hasGt() ? DateTimes.of(r.getGt()) : null;
    Instant gte = r.hasGte() ? DateTimes.of(r.getGte()) : null;
    for (Value v : values) {
      if (!v.hasStringValue()) {
        continue;
      }
      Instant t = DateTimes.parse(v.getStringValue());
      if (t == null) {
        continue;
      }
      if ((lt == null || t.isBefore(lt))
          && (lte == null || !t.isAfter(lte))
          && (gt == null || t.isAfter(gt))
          && (gte == null || !t.isBefore(gte))) {
        return true;
      }
    }
    return false;
  }

  /**
   * values_count: a null counts 0, an array its length, anything else 1; a missing key counts 0.
   * For a multi-valued path, one value whose count passes is enough.
   */
  private static boolean countMatches(ValuesCount c, Map<String, Value> payload, String key) {
    List<Value> raw = Payloads.rawValues(payload, key);
    if (raw.isEmpty()) {
      return countPasses(c, 0);
    }
    for (Value v : raw) {
      long n = v.hasNullValue() ? 0 : v.hasListValue() ? v.getListValue().getValuesCount() : 1;
      if (countPasses(c, n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean countPasses(ValuesCount c, long n) {
    return (!c.hasLt() || n < c.getLt())
        && (!c.hasLte() || n <= c.getLte())
        && (!c.hasGt() || n > c.getGt())
        && (!c.hasGte() || n >= c.getGte());
  }

  private static boolean anyGeo(List<Value> values, FieldCondition f) {
    for (Value v : values) {
      if (!v.hasStructValue()) {
        continue;
      }
      Map<String, Value> fields = v.getStructValue().getFieldsMap();
      Value lon = fields.get("lon");
      Value lat = fields.get("lat");
      if (lon == null || lat == null) {
        continue;
      }
      double x = number(lon);
      double y = number(lat);
      if (f.hasGeoBoundingBox()) {
        GeoPoint tl = f.getGeoBoundingBox().getTopLeft();
        GeoPoint br = f.getGeoBoundingBox().getBottomRight();
        boolean lonOk =
            tl.getLon() <= br.getLon()
                ? x >= tl.getLon() && x <= br.getLon()
                : x >= tl.getLon() || x <= br.getLon();
        if (lonOk && y <= tl.getLat() && y >= br.getLat()) {
          return true;
        }
      } else {
        GeoPoint c = f.getGeoRadius().getCenter();
        if (haversineMeters(c.getLat(), c.getLon(), y, x) <= f.getGeoRadius().getRadius()) {
          return true;
        }
      }
    }
    return false;
  }

  private static double number(Value v) {
    return v.hasIntegerValue() ? v.getIntegerValue() : v.getDoubleValue();
  }

  private static double haversineMeters(double lat1, double lon1, double lat2, double lon2) {
    double r = 6371008.8;
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
  }
}
