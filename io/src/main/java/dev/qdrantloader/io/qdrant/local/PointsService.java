package dev.qdrantloader.io.qdrant.local;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.BatchResult;
import io.qdrant.client.grpc.Points.ClearPayloadPoints;
import io.qdrant.client.grpc.Points.CountPoints;
import io.qdrant.client.grpc.Points.CountResponse;
import io.qdrant.client.grpc.Points.CountResult;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeleteFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePayloadPoints;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.GetResponse;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.Query;
import io.qdrant.client.grpc.Points.QueryBatchPoints;
import io.qdrant.client.grpc.Points.QueryBatchResponse;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.QueryResponse;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.SearchBatchPoints;
import io.qdrant.client.grpc.Points.SearchBatchResponse;
import io.qdrant.client.grpc.Points.SearchPoints;
import io.qdrant.client.grpc.Points.SearchResponse;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.VectorInput;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import io.qdrant.client.grpc.PointsGrpc;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Qdrant's Points service: writes, retrieval, scroll, count, search and query. */
final class PointsService extends PointsGrpc.PointsImplBase {
  private final LocalStorage storage;
  private final AtomicLong operationIds = new AtomicLong();

  PointsService(LocalStorage storage) {
    this.storage = storage;
  }

  // ------------------------------------------------------------------ writes

  private void write(
      String collection,
      boolean wait,
      StreamObserver<PointsOperationResponse> out,
      Function<LocalCollection, LocalCollection.WriteTicket> op) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(collection);
          LocalCollection.WriteTicket ticket = op.apply(c);
          if (wait) {
            ticket.awaitDurable();
          }
          storage.afterWrite(c);
          return PointsOperationResponse.newBuilder()
              .setResult(
                  UpdateResult.newBuilder()
                      .setOperationId(operationIds.incrementAndGet())
                      .setStatus(wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged))
              .setTime(Calls.seconds(t0))
              .build();
        });
  }

  @Override
  public void upsert(UpsertPoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.upsert(req));
  }

  @Override
  public void delete(DeletePoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.delete(req));
  }

  @Override
  public void setPayload(SetPayloadPoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.setPayload(req, false));
  }

  @Override
  public void overwritePayload(SetPayloadPoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.setPayload(req, true));
  }

  @Override
  public void deletePayload(DeletePayloadPoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.deletePayload(req));
  }

  @Override
  public void clearPayload(ClearPayloadPoints req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.clearPayload(req));
  }

  @Override
  public void createFieldIndex(
      CreateFieldIndexCollection req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.createIndex(req));
  }

  @Override
  public void deleteFieldIndex(
      DeleteFieldIndexCollection req, StreamObserver<PointsOperationResponse> out) {
    write(req.getCollectionName(), req.getWait(), out, c -> c.deleteIndex(req));
  }

  // ------------------------------------------------------------------ reads

  private static <T> T read(LocalCollection c, java.util.function.Supplier<T> body) {
    c.lock.readLock().lock();
    try {
      if (c.isDropped()) {
        throw QdrantErrors.collectionNotFound(c.name);
      }
      return body.get();
    } finally {
      c.lock.readLock().unlock();
    }
  }

  /** A present selector must choose something, as Qdrant insists; an absent one means a default. */
  private static WithPayloadSelector payloadSelector(
      boolean present, WithPayloadSelector s, boolean defaultOn) {
    if (!present) {
      return WithPayloadSelector.newBuilder().setEnable(defaultOn).build();
    }
    if (s.getSelectorOptionsCase()
        == WithPayloadSelector.SelectorOptionsCase.SELECTOROPTIONS_NOT_SET) {
      throw QdrantErrors.invalid("No PayloadSelector");
    }
    return s;
  }

  private static WithVectorsSelector vectorsSelector(boolean present, WithVectorsSelector s) {
    return present ? s : null;
  }

  private static Filter filterOrNull(boolean present, Filter f) {
    return present ? f : null;
  }

  @Override
  public void get(GetPoints req, StreamObserver<GetResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(req.getCollectionName());
          WithPayloadSelector payload =
              payloadSelector(req.hasWithPayload(), req.getWithPayload(), false);
          WithVectorsSelector vectors = vectorsSelector(req.hasWithVectors(), req.getWithVectors());
          return read(
              c,
              () -> {
                GetResponse.Builder b = GetResponse.newBuilder();
                for (StoredPoint p : c.getAll(req.getIdsList())) {
                  b.addResult(PointQueries.retrieved(c, p, payload, vectors, null));
                }
                return b.setTime(Calls.seconds(t0)).build();
              });
        });
  }

  @Override
  public void scroll(ScrollPoints req, StreamObserver<ScrollResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(req.getCollectionName());
          int limit = req.hasLimit() ? req.getLimit() : 10;
          if (limit == 0) {
            throw QdrantErrors.invalid("Wrong input: Limit cannot be 0");
          }
          if (req.hasOrderBy() && req.hasOffset()) {
            throw QdrantErrors.invalid(
                "Wrong input: Cannot use an `offset` when using `order_by`. The alternative for"
                    + " paging is to use `order_by.start_from` and a filter to exclude the IDs"
                    + " that you've already seen for the `order_by.start_from` value");
          }
          WithPayloadSelector payload =
              payloadSelector(req.hasWithPayload(), req.getWithPayload(), true);
          WithVectorsSelector vectors = vectorsSelector(req.hasWithVectors(), req.getWithVectors());
          PointKey from = req.hasOffset() ? PointKey.of(req.getOffset()) : null;
          return read(
              c,
              () -> {
                FilterMatcher m = c.matcher(filterOrNull(req.hasFilter(), req.getFilter()));
                ScrollResponse.Builder b = ScrollResponse.newBuilder();
                if (req.hasOrderBy()) {
                  b.addAllResult(
                      PointQueries.scrollOrdered(c, m, req.getOrderBy(), limit, payload, vectors));
                } else {
                  PointQueries.Page page =
                      PointQueries.scrollById(c, m, from, limit, payload, vectors);
                  b.addAllResult(page.points);
                  if (page.next != null) {
                    b.setNextPageOffset(page.next);
                  }
                }
                return b.setTime(Calls.seconds(t0)).build();
              });
        });
  }

  @Override
  public void count(CountPoints req, StreamObserver<CountResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(req.getCollectionName());
          long n =
              read(
                  c,
                  () ->
                      PointQueries.count(
                          c, c.matcher(filterOrNull(req.hasFilter(), req.getFilter()))));
          return CountResponse.newBuilder()
              .setResult(CountResult.newBuilder().setCount(n))
              .setTime(Calls.seconds(t0))
              .build();
        });
  }

  private static List<ScoredPoint> search(LocalCollection c, SearchPoints req) {
    if (req.hasSparseIndices()) {
      throw QdrantErrors.unimplemented("sparse vector search");
    }
    if (req.getLimit() == 0) {
      throw QdrantErrors.invalid(
          "Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]");
    }
    PointQueries.Nearest n = new PointQueries.Nearest();
    n.slot = c.vectorSlot(req.hasVectorName() ? req.getVectorName() : "");
    n.query = new float[req.getVectorCount()];
    for (int i = 0; i < n.query.length; i++) {
      n.query[i] = req.getVector(i);
    }
    n.limit = req.getLimit();
    n.offset = req.hasOffset() ? req.getOffset() : 0;
    n.threshold = req.hasScoreThreshold() ? req.getScoreThreshold() : null;
    n.payload = payloadSelector(req.hasWithPayload(), req.getWithPayload(), false);
    n.vectors = vectorsSelector(req.hasWithVectors(), req.getWithVectors());
    return read(
        c,
        () -> {
          n.matcher = c.matcher(filterOrNull(req.hasFilter(), req.getFilter()));
          return PointQueries.nearest(c, n);
        });
  }

  @Override
  public void search(SearchPoints req, StreamObserver<SearchResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () ->
            SearchResponse.newBuilder()
                .addAllResult(search(storage.get(req.getCollectionName()), req))
                .setTime(Calls.seconds(t0))
                .build());
  }

  @Override
  public void searchBatch(SearchBatchPoints req, StreamObserver<SearchBatchResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(req.getCollectionName());
          SearchBatchResponse.Builder b = SearchBatchResponse.newBuilder();
          for (SearchPoints s : req.getSearchPointsList()) {
            b.addResult(BatchResult.newBuilder().addAllResult(search(c, s)));
          }
          return b.setTime(Calls.seconds(t0)).build();
        });
  }

  private static List<ScoredPoint> query(LocalCollection c, QueryPoints req) {
    if (req.getPrefetchCount() > 0) {
      throw QdrantErrors.unimplemented("prefetch in query");
    }
    if (req.hasLookupFrom()) {
      throw QdrantErrors.unimplemented("lookup_from in query");
    }
    long limit = req.hasLimit() ? req.getLimit() : 10;
    long offset = req.hasOffset() ? req.getOffset() : 0;
    WithPayloadSelector payload =
        payloadSelector(req.hasWithPayload(), req.getWithPayload(), false);
    WithVectorsSelector vectors = vectorsSelector(req.hasWithVectors(), req.getWithVectors());
    Filter filter = filterOrNull(req.hasFilter(), req.getFilter());
    Query q = req.hasQuery() ? req.getQuery() : null;
    if (q == null) {
      // No query: points in id order, as Qdrant does.
      return read(
          c,
          () -> {
            PointQueries.Page page =
                PointQueries.scrollById(
                    c,
                    c.matcher(filter),
                    null,
                    (int) Math.min(Integer.MAX_VALUE, offset + limit),
                    payload,
                    vectors);
            List<ScoredPoint> out = new java.util.ArrayList<>();
            for (int i = (int) Math.min(offset, page.points.size()); i < page.points.size(); i++) {
              out.add(PointQueries.asScored(page.points.get(i), 1f));
            }
            return out;
          });
    }
    switch (q.getVariantCase()) {
      case ORDER_BY:
        return read(
            c,
            () ->
                PointQueries.queryOrdered(
                    c, c.matcher(filter), q.getOrderBy(), offset, limit, payload, vectors));
      case NEAREST:
        {
          PointQueries.Nearest n = new PointQueries.Nearest();
          n.slot = c.vectorSlot(req.hasUsing() ? req.getUsing() : "");
          n.limit = limit;
          n.offset = offset;
          n.threshold = req.hasScoreThreshold() ? req.getScoreThreshold() : null;
          n.payload = payload;
          n.vectors = vectors;
          VectorInput input = q.getNearest();
          return read(
              c,
              () -> {
                n.matcher = c.matcher(filter);
                switch (input.getVariantCase()) {
                  case DENSE:
                    n.query = Vectors.toArray(input.getDense());
                    break;
                  case ID:
                    {
                      PointKey k = PointKey.of(input.getId());
                      StoredPoint p = c.pointsView().get(k);
                      if (p == null) {
                        throw QdrantErrors.notFound("Not found: No point with id " + k + " found");
                      }
                      if (p.vectors[n.slot] == null) {
                        throw QdrantErrors.invalid(
                            "Wrong input: point "
                                + k
                                + " has no vector `"
                                + c.vectorNames.get(n.slot)
                                + "`");
                      }
                      n.query = p.vectors[n.slot];
                      n.exclude = k;
                      break;
                    }
                  default:
                    throw QdrantErrors.unimplemented(
                        "nearest query by "
                            + input.getVariantCase().name().toLowerCase(java.util.Locale.ROOT));
                }
                return PointQueries.nearest(c, n);
              });
        }
      default:
        throw QdrantErrors.unimplemented(
            "query " + q.getVariantCase().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  @Override
  public void query(QueryPoints req, StreamObserver<QueryResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () ->
            QueryResponse.newBuilder()
                .addAllResult(query(storage.get(req.getCollectionName()), req))
                .setTime(Calls.seconds(t0))
                .build());
  }

  @Override
  public void queryBatch(QueryBatchPoints req, StreamObserver<QueryBatchResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          LocalCollection c = storage.get(req.getCollectionName());
          QueryBatchResponse.Builder b = QueryBatchResponse.newBuilder();
          for (QueryPoints q : req.getQueryPointsList()) {
            b.addResult(BatchResult.newBuilder().addAllResult(query(c, q)));
          }
          return b.setTime(Calls.seconds(t0)).build();
        });
  }
}
