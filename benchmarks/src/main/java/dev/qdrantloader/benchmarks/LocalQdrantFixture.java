package dev.qdrantloader.benchmarks;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Points.DenseVector;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A local server, a client and reproducible random data for the benchmarks. */
final class LocalQdrantFixture implements AutoCloseable {
  static final String COLLECTION = "bench";
  static final int DIM = 384;

  final LocalQdrantServer server;
  final QdrantClient client;
  private final Path dir;

  LocalQdrantFixture(boolean onDisk) throws IOException {
    this.dir = onDisk ? Files.createTempDirectory("local-qdrant-bench") : null;
    this.server =
        LocalQdrantServer.builder()
            .port(0)
            .dataDir(dir)
            .minCompactBytes(
                Long.getLong("bench.minCompactBytes", LocalQdrantServer.DEFAULT_MIN_COMPACT_BYTES))
            .start();
    this.client =
        new QdrantClient(QdrantGrpcClient.newBuilder(server.host(), server.port(), false).build());
    get(
        client.createCollectionAsync(
            COLLECTION,
            VectorParams.newBuilder().setSize(DIM).setDistance(Distance.Cosine).build()));
  }

  static <T> T get(java.util.concurrent.Future<T> f) {
    try {
      return f.get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random unit-length-ish vector (Gaussian components), like a sentence embedding. */
  static float[] vector(SplittableRandom random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) gaussian(random);
    }
    return v;
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double w = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }

  /**
   * Builds a point the way a writer should: floats added one by one (primitive), since the client's
   * {@code VectorsFactory.vectors(float...)} boxes every component.
   */
  static PointStruct point(long id, float[] vector) {
    DenseVector.Builder dense = DenseVector.newBuilder();
    for (float f : vector) {
      dense.addData(f);
    }
    return PointStruct.newBuilder()
        .setId(PointIdFactory.id(id))
        .setVectors(Vectors.newBuilder().setVector(Vector.newBuilder().setDense(dense)))
        .putPayload("document_id", ValueFactory.value("doc-" + (id / 8)))
        .putPayload("chunk_index", ValueFactory.value(id % 8))
        .putPayload("project_id", ValueFactory.value("p" + (id % 4)))
        .build();
  }

  void upsert(List<PointStruct> points) {
    get(
        client.upsertAsync(
            UpsertPoints.newBuilder()
                .setCollectionName(COLLECTION)
                .setWait(!Boolean.getBoolean("bench.noWait"))
                .addAllPoints(points)
                .build()));
  }

  /** Loads {@code count} random points in batches of 256. */
  void load(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<PointStruct> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(point(i, vector(random)));
      if (batch.size() == 256) {
        upsert(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      upsert(batch);
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.close();
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
