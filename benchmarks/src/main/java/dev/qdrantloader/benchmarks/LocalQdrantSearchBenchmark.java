package dev.qdrantloader.benchmarks;

import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchPoints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Search latency of the local server through the official client: top 10 with payload among 100,000
 * points of 384 dimensions (exact search). JMH's sample mode gives p50 and p99.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx8g"})
@State(Scope.Benchmark)
public class LocalQdrantSearchBenchmark {
  @Param({"100000"})
  public int points;

  private LocalQdrantFixture fixture;
  private List<List<Float>> queries;
  private int next;

  @Setup(Level.Trial)
  public void load() throws IOException {
    fixture = new LocalQdrantFixture(false);
    fixture.load(points, 7);
    SplittableRandom random = new SplittableRandom(99);
    queries = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      List<Float> q = new ArrayList<>();
      for (float f : LocalQdrantFixture.vector(random)) {
        q.add(f);
      }
      queries.add(q);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    fixture.close();
  }

  @Benchmark
  public List<ScoredPoint> searchTop10() {
    List<Float> q = queries.get(next++ % queries.size());
    return LocalQdrantFixture.get(
        fixture.client.searchAsync(
            SearchPoints.newBuilder()
                .setCollectionName(LocalQdrantFixture.COLLECTION)
                .addAllVector(q)
                .setLimit(10)
                .setWithPayload(WithPayloadSelectorFactory.enable(true))
                .build()));
  }
}
