package dev.qdrantloader.io.qdrant.local;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;

/** Qdrant's health check; reports the Qdrant API version this server speaks. */
final class HealthService extends QdrantGrpc.QdrantImplBase {
  static final String TITLE = "qdrant-loader local mode (Qdrant-compatible)";
  static final String API_VERSION = "1.18.0";

  @Override
  public void healthCheck(HealthCheckRequest req, StreamObserver<HealthCheckReply> out) {
    Calls.unary(
        out, () -> HealthCheckReply.newBuilder().setTitle(TITLE).setVersion(API_VERSION).build());
  }
}
