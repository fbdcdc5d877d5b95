package dev.qdrantloader.io.qdrant;

import dev.qdrantloader.transforms.model.EmbeddedChunk;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.OutputWithFailures;
import dev.qdrantloader.transforms.model.WrittenPoint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Beam IO for Qdrant. {@link #write()} upserts embedded chunks as points, in batches bounded by
 * count, over gRPC with {@code wait=true}; it returns each point Qdrant acknowledged as durable and
 * the chunks that could not be written, never {@code PDone}.
 */
public final class QdrantIO {
  private QdrantIO() {}

  /** A write with every default set: batches of 256, 3 attempts per batch. */
  public static Write write() {
    return new Write(null, null, 256, 3, "");
  }

  /** Upserts points; immutable, every {@code withX} returns a new instance. */
  public static final class Write extends PTransform<PCollection<EmbeddedChunk>, WriteResult> {
    private final QdrantConnection connection;
    private final String collection;
    private final int maxBatchSize;
    private final int maxAttempts;
    private final String ingestedAt;

    private Write(
        QdrantConnection connection,
        String collection,
        int maxBatchSize,
        int maxAttempts,
        String ingestedAt) {
      this.connection = connection;
      this.collection = collection;
      this.maxBatchSize = maxBatchSize;
      this.maxAttempts = maxAttempts;
      this.ingestedAt = ingestedAt;
    }

    public Write withConnection(QdrantConnection c) {
      if (c == null) {
        throw new IllegalArgumentException("connection must not be null");
      }
      return new Write(c, collection, maxBatchSize, maxAttempts, ingestedAt);
    }

    public Write withCollection(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("collection must not be empty, got '" + name + "'");
      }
      return new Write(connection, name, maxBatchSize, maxAttempts, ingestedAt);
    }

    public Write withMaxBatchSize(int size) {
      if (size < 1 || size > 10_000) {
        throw new IllegalArgumentException("maxBatchSize must be 1..10000, got " + size);
      }
      return new Write(connection, collection, size, maxAttempts, ingestedAt);
    }

    public Write withMaxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
      }
      return new Write(connection, collection, maxBatchSize, attempts, ingestedAt);
    }

    /** The {@code ingested_at} payload value (RFC 3339), the same for every point of a run. */
    public Write withIngestedAt(String timestamp) {
      return new Write(connection, collection, maxBatchSize, maxAttempts, timestamp);
    }

    @Override
    public WriteResult expand(PCollection<EmbeddedChunk> input) {
      if (connection == null) {
        throw new IllegalArgumentException("QdrantIO.write() needs withConnection(...)");
      }
      if (collection == null) {
        throw new IllegalArgumentException("QdrantIO.write() needs withCollection(...)");
      }
      PCollectionTuple out =
          input.apply(
              "Upsert",
              ParDo.of(new WriteFn(this)).withOutputTags(WRITTEN, TupleTagList.of(FAILED)));
      return new WriteResult(
          input.getPipeline(),
          out.get(WRITTEN).setCoder(ModelCoders.writtenPoints()),
          out.get(FAILED).setCoder(ModelCoders.failures()));
    }
  }

  static final TupleTag<WrittenPoint> WRITTEN = new TupleTag<WrittenPoint>() {};
  static final TupleTag<Failure> FAILED = new TupleTag<Failure>() {};

  /** What a write produced: the durable points, and failures with their reasons. */
  public static final class WriteResult extends OutputWithFailures<WrittenPoint> {
    WriteResult(
        Pipeline pipeline, PCollection<WrittenPoint> written, PCollection<Failure> failures) {
      super(pipeline, WRITTEN, written, FAILED, failures);
    }

    /** One element per point acknowledged with {@code wait=true}. */
    public PCollection<WrittenPoint> written() {
      return output();
    }
  }

  /** Buffers a bundle's points and upserts them in batches; flushes in {@code @FinishBundle}. */
  static final class WriteFn extends DoFn<EmbeddedChunk, WrittenPoint> {
    private final QdrantConnection connection;
    private final String collection;
    private final int maxBatchSize;
    private final int maxAttempts;
    private final String ingestedAt;
    private final Counter upserted = Metrics.counter(QdrantIO.class, "points_upserted");
    private final Counter failedPoints = Metrics.counter(QdrantIO.class, "points_failed");
    private final Counter retries = Metrics.counter(QdrantIO.class, "upsert_retries");
    private final Distribution latency = Metrics.distribution(QdrantIO.class, "upsert_millis");
    private transient List<EmbeddedChunk> buffer;
    private transient BoundedWindow lastWindow;

    WriteFn(Write spec) {
      this.connection = spec.connection;
      this.collection = spec.collection;
      this.maxBatchSize = spec.maxBatchSize;
      this.maxAttempts = spec.maxAttempts;
      this.ingestedAt = spec.ingestedAt;
    }

    @StartBundle
    public void start() {
      buffer = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element EmbeddedChunk e, BoundedWindow window, MultiOutputReceiver out) {
      if (lastWindow != null && !lastWindow.equals(window) && !buffer.isEmpty()) {
        flush(new Emitter(out));
      }
      lastWindow = window;
      buffer.add(e);
      if (buffer.size() >= maxBatchSize) {
        flush(new Emitter(out));
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext context) {
      if (!buffer.isEmpty()) {
        BoundedWindow w = lastWindow;
        flush(new Emitter(context, w));
      }
    }

    private void flush(Emitter out) {
      List<EmbeddedChunk> batch = new ArrayList<>(buffer);
      buffer.clear();
      writeOrIsolate(batch, out);
    }

    /**
     * Writes a batch; a batch Qdrant rejects as invalid is split in halves until the invalid points
     * are isolated, so one bad point does not fail its neighbours.
     */
    private void writeOrIsolate(List<EmbeddedChunk> batch, Emitter out) {
      try {
        upsertWithRetries(batch);
        upserted.inc(batch.size());
        for (EmbeddedChunk e : batch) {
          out.written(WrittenPoint.of(e.chunk()));
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT && batch.size() > 1) {
          int half = batch.size() / 2;
          writeOrIsolate(new ArrayList<>(batch.subList(0, half)), out);
          writeOrIsolate(new ArrayList<>(batch.subList(half, batch.size())), out);
        } else {
          failAll(batch, out, e);
        }
      } catch (RuntimeException e) {
        failAll(batch, out, e);
      }
    }

    private void upsertWithRetries(List<EmbeddedChunk> batch) {
      List<PointStruct> points = new ArrayList<>(batch.size());
      for (EmbeddedChunk e : batch) {
        points.add(PointPayloads.point(e, ingestedAt));
      }
      UpsertPoints request =
          UpsertPoints.newBuilder()
              .setCollectionName(collection)
              .setWait(true)
              .addAllPoints(points)
              .build();
      for (int attempt = 1; ; attempt++) {
        long t0 = System.nanoTime();
        try {
          QdrantCollections.await(connection.client().upsertAsync(request));
          latency.update((System.nanoTime() - t0) / 1_000_000);
          return;
        } catch (RuntimeException e) {
          if (attempt >= maxAttempts || !retryable(e)) {
            throw e;
          }
          retries.inc();
          try {
            Thread.sleep(200L << attempt);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an upsert", interrupted);
          }
        }
      }
    }

    /** Transient faults are retried; a request Qdrant rejects is not. */
    private static boolean retryable(RuntimeException e) {
      if (!(e instanceof StatusRuntimeException)) {
        return true; // timeouts and transport errors surfaced by the client
      }
      switch (((StatusRuntimeException) e).getStatus().getCode()) {
        case UNAVAILABLE:
        case DEADLINE_EXCEEDED:
        case RESOURCE_EXHAUSTED:
        case ABORTED:
        case INTERNAL:
        case UNKNOWN:
          return true;
        default:
          return false;
      }
    }

    private void failAll(List<EmbeddedChunk> batch, Emitter out, RuntimeException cause) {
      String reason = "upsert to Qdrant failed: " + cause.getMessage();
      for (EmbeddedChunk e : batch) {
        failedPoints.inc();
        out.failed(
            new Failure(
                "write", e.chunk().projectId(), e.chunk().source(), e.chunk().path(), reason));
      }
    }

    /** Outputs from {@code @ProcessElement} or {@code @FinishBundle} alike. */
    private static final class Emitter {
      private final MultiOutputReceiver receiver;
      private final FinishBundleContext context;
      private final BoundedWindow window;

      Emitter(MultiOutputReceiver receiver) {
        this.receiver = receiver;
        this.context = null;
        this.window = null;
      }

      Emitter(FinishBundleContext context, BoundedWindow window) {
        this.receiver = null;
        this.context = context;
        this.window = window;
      }

      void written(WrittenPoint p) {
        if (receiver != null) {
          receiver.get(WRITTEN).output(p);
        } else {
          context.output(WRITTEN, p, window.maxTimestamp(), window);
        }
      }

      void failed(Failure f) {
        if (receiver != null) {
          receiver.get(FAILED).output(f);
        } else {
          context.output(FAILED, f, window.maxTimestamp(), window);
        }
      }
    }
  }
}
