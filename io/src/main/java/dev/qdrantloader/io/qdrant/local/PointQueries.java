package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.Direction;
import io.qdrant.client.grpc.Points.OrderBy;
import io.qdrant.client.grpc.Points.OrderValue;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.StartFrom;
import io.qdrant.client.grpc.Points.VectorsOutput;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Read paths over one collection: exact nearest-neighbour search (a brute-force scan split across
 * cores), scroll by id or by a payload key, count and retrieval. Callers hold the collection's read
 * lock.
 */
final class PointQueries {
  private PointQueries() {}

  private static final int PARALLEL_THRESHOLD = 8192;
  private static final ForkJoinPool SEARCH_POOL =
      new ForkJoinPool(
          Math.max(1, Runtime.getRuntime().availableProcessors()),
          pool -> {
            java.util.concurrent.ForkJoinWorkerThread t =
                ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("local-qdrant-search-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
          },
          null,
          false);

  /** What a nearest-neighbour request asks for. */
  static final class Nearest {
    int slot;
    float[] query;
    FilterMatcher matcher;
    long limit;
    long offset;
    Float threshold;
    WithPayloadSelector payload;
    WithVectorsSelector vectors;
    PointKey exclude; // the point a query-by-id started from, if any
  }

  static List<ScoredPoint> nearest(LocalCollection c, Nearest n) {
    if (n.query.length != c.dim(n.slot)) {
      throw QdrantErrors.invalid(
          "Wrong input: Vector dimension error: expected dim: "
              + c.dim(n.slot)
              + ", got "
              + n.query.length);
    }
    Distance distance = c.distance(n.slot);
    float[] query = distance == Distance.Cosine ? VectorMath.normalized(n.query) : n.query;
    long wanted = n.offset + n.limit;
    int k = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, wanted));
    VectorColumn column = c.column(n.slot);
    int rows = column.rows();
    k = Math.min(k, c.pointsView().size());
    boolean higher = VectorMath.higherIsBetter(distance);
    TopK top;
    int parts = SEARCH_POOL.getParallelism();
    if (rows < PARALLEL_THRESHOLD || parts < 2) {
      top = scan(column, 0, rows, query, distance, n, k, higher);
    } else {
      List<ForkJoinTask<TopK>> tasks = new ArrayList<>();
      int step = (rows + parts - 1) / parts;
      final int kk = k;
      for (int from = step; from < rows; from += step) {
        final int f = from;
        final int to = Math.min(rows, from + step);
        tasks.add(SEARCH_POOL.submit(() -> scan(column, f, to, query, distance, n, kk, higher)));
      }
      top = scan(column, 0, Math.min(step, rows), query, distance, n, k, higher);
      for (ForkJoinTask<TopK> t : tasks) {
        top.addAll(t.join());
      }
    }
    List<ScoredPoint> out = new ArrayList<>();
    List<TopK.Hit> hits = top.sorted();
    for (int i = (int) Math.min(n.offset, hits.size()); i < hits.size(); i++) {
      TopK.Hit h = hits.get(i);
      out.add(scored(c, h.point, h.score, n.payload, n.vectors, null));
    }
    return out;
  }

  private static TopK scan(
      VectorColumn column,
      int from,
      int to,
      float[] query,
      Distance distance,
      Nearest n,
      int k,
      boolean higher) {
    TopK top = new TopK(k, higher);
    FilterMatcher m = n.matcher;
    Float threshold = n.threshold;
    int dim = column.dim;
    for (int row = from; row < to; row++) {
      StoredPoint p = column.owner(row);
      if (p == null) {
        continue;
      }
      float s = VectorMath.score(distance, query, column.block(row), VectorColumn.offset(row, dim));
      if (threshold != null && (higher ? !(s > threshold) : !(s < threshold))) {
        continue;
      }
      if (!top.admits(s)) {
        continue;
      }
      if (m != null && !m.matches(p)) {
        continue;
      }
      if (n.exclude != null && n.exclude.equals(p.key)) {
        continue;
      }
      top.offer(s, p);
    }
    return top;
  }

  static ScoredPoint scored(
      LocalCollection c,
      StoredPoint p,
      float score,
      WithPayloadSelector payload,
      WithVectorsSelector vectors,
      OrderValue order) {
    return asScored(retrieved(c, p, payload, vectors, order), score);
  }

  /** The same point as a query result with a score. */
  static ScoredPoint asScored(RetrievedPoint r, float score) {
    ScoredPoint.Builder b =
        ScoredPoint.newBuilder()
            .setId(r.getId())
            .setScore(score)
            .setVersion(0)
            .putAllPayload(r.getPayloadMap());
    if (r.hasVectors()) {
      b.setVectors(r.getVectors());
    }
    if (r.hasOrderValue()) {
      b.setOrderValue(r.getOrderValue());
    }
    return b.build();
  }

  static RetrievedPoint retrieved(
      LocalCollection c,
      StoredPoint p,
      WithPayloadSelector payload,
      WithVectorsSelector vectors,
      OrderValue order) {
    RetrievedPoint.Builder b =
        RetrievedPoint.newBuilder()
            .setId(p.key.toPointId())
            .putAllPayload(Payloads.select(p.payload, payload));
    VectorsOutput v = Vectors.select(p.vectors, c.vectorNames, c.unnamed, vectors);
    if (v != null) {
      b.setVectors(v);
    }
    if (order != null) {
      b.setOrderValue(order);
    }
    return b.build();
  }

  /** A page of a scroll, with the id the next page starts from (null when this is the last). */
  static final class Page {
    final List<RetrievedPoint> points;
    final PointId next;

    Page(List<RetrievedPoint> points, PointId next) {
      this.points = points;
      this.next = next;
    }
  }

  static Page scrollById(
      LocalCollection c,
      FilterMatcher m,
      PointKey from,
      int limit,
      WithPayloadSelector payload,
      WithVectorsSelector vectors) {
    Map<PointKey, StoredPoint> range =
        from == null ? c.pointsView() : c.pointsView().tailMap(from, true);
    List<RetrievedPoint> out = new ArrayList<>();
    for (StoredPoint p : range.values()) {
      if (m != null && !m.matches(p)) {
        continue;
      }
      if (out.size() == limit) {
        return new Page(out, p.key.toPointId());
      }
      out.add(retrieved(c, p, payload, vectors, null));
    }
    return new Page(out, null);
  }

  /**
   * One (value, point) pair of an ordered scroll; a point with several values appears per value.
   */
  private static final class Ordered {
    final double value;
    final boolean integer;
    final StoredPoint point;

    Ordered(double value, boolean integer, StoredPoint point) {
      this.value = value;
      this.integer = integer;
      this.point = point;
    }
  }

  static List<RetrievedPoint> scrollOrdered(
      LocalCollection c,
      FilterMatcher m,
      OrderBy orderBy,
      int limit,
      WithPayloadSelector payload,
      WithVectorsSelector vectors) {
    List<Ordered> entries = orderedEntries(c, m, orderBy);
    List<RetrievedPoint> out = new ArrayList<>();
    for (int i = 0; i < entries.size() && out.size() < limit; i++) {
      Ordered e = entries.get(i);
      out.add(retrieved(c, e.point, payload, vectors, orderValue(e)));
    }
    return out;
  }

  static List<ScoredPoint> queryOrdered(
      LocalCollection c,
      FilterMatcher m,
      OrderBy orderBy,
      long offset,
      long limit,
      WithPayloadSelector payload,
      WithVectorsSelector vectors) {
    List<Ordered> entries = orderedEntries(c, m, orderBy);
    List<ScoredPoint> out = new ArrayList<>();
    for (long i = offset; i < entries.size() && out.size() < limit; i++) {
      Ordered e = entries.get((int) i);
      out.add(scored(c, e.point, 0f, payload, vectors, orderValue(e)));
    }
    return out;
  }

  private static OrderValue orderValue(Ordered e) {
    return e.integer
        ? OrderValue.newBuilder().setInt((long) e.value).build()
        : OrderValue.newBuilder().setFloat(e.value).build();
  }

  private static List<Ordered> orderedEntries(LocalCollection c, FilterMatcher m, OrderBy orderBy) {
    String key = orderBy.getKey();
    FieldIndex index = c.indexesView().get(key);
    if (index == null || !index.supportsOrderBy()) {
      throw QdrantErrors.invalid(
          "Wrong input: No range index for `order_by` key: `"
              + key
              + "`. Please create one to use `order_by`. Check"
              + " https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which"
              + " payload schemas support Range conditions");
    }
    boolean desc = orderBy.hasDirection() && orderBy.getDirection() == Direction.Desc;
    Double start = orderBy.hasStartFrom() ? startValue(orderBy.getStartFrom()) : null;
    boolean datetime = index.type == io.qdrant.client.grpc.Collections.PayloadSchemaType.Datetime;
    List<Ordered> entries = new ArrayList<>();
    for (StoredPoint p : c.pointsView().values()) {
      if (m != null && !m.matches(p)) {
        continue;
      }
      for (Value v : Payloads.values(p.payload, key)) {
        Ordered e = orderedValue(v, datetime, p);
        if (e == null) {
          continue;
        }
        if (start != null && (desc ? e.value > start : e.value < start)) {
          continue;
        }
        entries.add(e);
      }
    }
    Comparator<Ordered> byValue = Comparator.comparingDouble(e -> e.value);
    if (desc) {
      byValue = byValue.reversed();
    }
    entries.sort(byValue.thenComparing(e -> e.point.key));
    return entries;
  }

  private static Ordered orderedValue(Value v, boolean datetime, StoredPoint p) {
    if (datetime) {
      if (!v.hasStringValue()) {
        return null;
      }
      Instant t = DateTimes.parse(v.getStringValue());
      return t == null ? null : new Ordered(micros(t), true, p);
    }
    if (v.hasIntegerValue()) {
      return new Ordered(v.getIntegerValue(), true, p);
    }
    if (v.hasDoubleValue()) {
      return new Ordered(v.getDoubleValue(), false, p);
    }
    return null;
  }

  private static double micros(Instant t) {
    return t.getEpochSecond() * 1_000_000.0 + t.getNano() / 1000;
  }

  private static Double startValue(StartFrom s) {
    switch (s.getValueCase()) {
      case FLOAT:
        return s.getFloat();
      case INTEGER:
        return (double) s.getInteger();
      case TIMESTAMP:
        return micros(DateTimes.of(s.getTimestamp()));
      case DATETIME:
        {
          Instant t = DateTimes.parse(s.getDatetime());
          if (t == null) {
            throw QdrantErrors.invalid(
                "Wrong input: '"
                    + s.getDatetime()
                    + "' is not in a supported date/time format, please use RFC 3339");
          }
          return micros(t);
        }
      default:
        return null;
    }
  }

  static long count(LocalCollection c, FilterMatcher m) {
    if (m == null) {
      return c.pointsView().size();
    }
    long n = 0;
    for (StoredPoint p : c.pointsView().values()) {
      if (m.matches(p)) {
        n++;
      }
    }
    return n;
  }
}
