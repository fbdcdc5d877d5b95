package dev.qdrantloader.io.qdrant.local;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A started server plus an official client connected to it. */
final class ServerFixture implements AutoCloseable {
  final LocalQdrantServer server;
  final QdrantClient client;

  private ServerFixture(LocalQdrantServer server) {
    this.server = server;
    this.client =
        new QdrantClient(QdrantGrpcClient.newBuilder(server.host(), server.port(), false).build());
  }

  static ServerFixture start(Path dataDir) throws IOException {
    return new ServerFixture(LocalQdrantServer.builder().port(0).dataDir(dataDir).start());
  }

  static ServerFixture start(LocalQdrantServer.Builder builder) throws IOException {
    return new ServerFixture(builder.start());
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** Runs a call that must fail, and returns the gRPC status it failed with. */
  static Status failure(Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    return e.getStatus();
  }
}
