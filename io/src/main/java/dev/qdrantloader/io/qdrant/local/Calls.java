package dev.qdrantloader.io.qdrant.local;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one unary call: the answer, a Qdrant-shaped error, or INTERNAL for a bug of ours. */
final class Calls {
  private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      LOG.error("local Qdrant server: unexpected failure", e);
      observer.onError(
          QdrantErrors.internal(
              "Service internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
              e));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
