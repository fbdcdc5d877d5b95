package dev.qdrantloader.io.qdrant.local;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Collections.CollectionDescription;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.ListCollectionsRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsResponse;
import io.qdrant.client.grpc.CollectionsGrpc;

/** Qdrant's Collections service: create, get, list, delete, exists. */
final class CollectionsService extends CollectionsGrpc.CollectionsImplBase {
  private final LocalStorage storage;

  CollectionsService(LocalStorage storage) {
    this.storage = storage;
  }

  @Override
  public void create(CreateCollection req, StreamObserver<CollectionOperationResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          storage.create(req);
          return CollectionOperationResponse.newBuilder()
              .setResult(true)
              .setTime(Calls.seconds(t0))
              .build();
        });
  }

  @Override
  public void get(GetCollectionInfoRequest req, StreamObserver<GetCollectionInfoResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () ->
            GetCollectionInfoResponse.newBuilder()
                .setResult(storage.get(req.getCollectionName()).info())
                .setTime(Calls.seconds(t0))
                .build());
  }

  @Override
  public void list(ListCollectionsRequest req, StreamObserver<ListCollectionsResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () -> {
          ListCollectionsResponse.Builder b = ListCollectionsResponse.newBuilder();
          for (String name : storage.names()) {
            b.addCollections(CollectionDescription.newBuilder().setName(name));
          }
          return b.setTime(Calls.seconds(t0)).build();
        });
  }

  @Override
  public void delete(DeleteCollection req, StreamObserver<CollectionOperationResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () ->
            CollectionOperationResponse.newBuilder()
                .setResult(storage.delete(req.getCollectionName()))
                .setTime(Calls.seconds(t0))
                .build());
  }

  @Override
  public void collectionExists(
      CollectionExistsRequest req, StreamObserver<CollectionExistsResponse> out) {
    long t0 = System.nanoTime();
    Calls.unary(
        out,
        () ->
            CollectionExistsResponse.newBuilder()
                .setResult(
                    CollectionExists.newBuilder()
                        .setExists(storage.exists(req.getCollectionName())))
                .setTime(Calls.seconds(t0))
                .build());
  }
}
