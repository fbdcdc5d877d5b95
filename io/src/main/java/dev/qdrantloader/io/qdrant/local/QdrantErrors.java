package dev.qdrantloader.io.qdrant.local;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** gRPC errors with the status codes and message shapes a real Qdrant returns. */
final class QdrantErrors {
  private QdrantErrors() {}

  static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException notFound(String message) {
    return Status.NOT_FOUND.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException collectionNotFound(String name) {
    return notFound("Not found: Collection `" + name + "` doesn't exist!");
  }

  static StatusRuntimeException alreadyExists(String message) {
    return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
  }

  static StatusRuntimeException unimplemented(String what) {
    return Status.UNIMPLEMENTED
        .withDescription(what + " is not supported by the embedded local-mode server")
        .asRuntimeException();
  }

  static StatusRuntimeException internal(String message, Throwable cause) {
    return Status.INTERNAL.withDescription(message).withCause(cause).asRuntimeException();
  }
}
