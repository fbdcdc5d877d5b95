package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.SearchPoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parallel writers and readers, as Beam workers use the server: nothing lost, nothing torn. */
class ConcurrencyTest {
  @TempDir Path dir;

  @Test
  void parallelWritersAndReadersSeeConsistentPoints() throws Exception {
    int writers = 6;
    int batches = 30;
    int batchSize = 50;
    try (ServerFixture s =
        ServerFixture.start(
            LocalQdrantServer.builder().port(0).dataDir(dir).minCompactBytes(200_000))) {
      await(
          s.client.createCollectionAsync(
              "c", VectorParams.newBuilder().setSize(16).setDistance(Distance.Cosine).build()));
      ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        final int writer = w;
        writes.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < batches; b++) {
                    List<PointStruct> points = new ArrayList<>();
                    for (int i = 0; i < batchSize; i++) {
                      long id = ((long) writer * batches + b) * batchSize + i;
                      float[] v = new float[16];
                      v[(int) (id % 16)] = 1f;
                      v[writer] += 0.5f;
                      points.add(
                          PointStruct.newBuilder()
                              .setId(id(id))
                              .setVectors(vectors(v))
                              .putPayload("writer", value(writer))
                              .putPayload("id", value(id))
                              .build());
                    }
                    await(s.client.upsertAsync("c", points));
                    if (b % 10 == 9) {
                      // delete what this writer wrote two batches ago; nobody else touches it
                      List<io.qdrant.client.grpc.Common.PointId> gone = new ArrayList<>();
                      for (int i = 0; i < batchSize; i++) {
                        gone.add(id(((long) writer * batches + b - 2) * batchSize + i));
                      }
                      await(s.client.deleteAsync("c", gone));
                    }
                  }
                  return null;
                }));
      }
      List<Future<Integer>> reads = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reads.add(
            pool.submit(
                () -> {
                  int checks = 0;
                  while (writing.get()) {
                    List<ScoredPoint> hits =
                        await(
                            s.client.searchAsync(
                                SearchPoints.newBuilder()
                                    .setCollectionName("c")
                                    .addAllVector(
                                        List.of(
                                            1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
                                            0f, 0f))
                                    .setFilter(Filter.newBuilder().addMust(match("writer", 1)))
                                    .setLimit(20)
                                    .setWithPayload(
                                        io.qdrant.client.WithPayloadSelectorFactory.enable(true))
                                    .build()));
                    for (ScoredPoint p : hits) {
                      // a point is never seen half-written: its payload matches its id
                      assertEquals(
                          p.getId().getNum(), p.getPayloadMap().get("id").getIntegerValue());
                      assertEquals(1, p.getPayloadMap().get("writer").getIntegerValue());
                    }
                    checks++;
                  }
                  return checks;
                }));
      }
      for (Future<?> f : writes) {
        f.get();
      }
      writing.set(false);
      for (Future<Integer> f : reads) {
        assertTrue(f.get() > 0);
      }
      pool.shutdown();

      long expected = (long) writers * (batches - batches / 10) * batchSize;
      assertEquals(expected, (long) await(s.client.countAsync("c")));
      long scrolled =
          await(
                  s.client.scrollAsync(
                      ScrollPoints.newBuilder().setCollectionName("c").setLimit(100_000).build()))
              .getResultCount();
      assertEquals(expected, scrolled);
    }
    // and the same after a restart (compaction ran while writers were busy)
    try (ServerFixture s = ServerFixture.start(dir)) {
      assertEquals(
          (long) writers * (batches - batches / 10) * batchSize,
          (long) await(s.client.countAsync("c")));
    }
  }
}
