package dev.qdrantloader.benchmarks;

import io.qdrant.client.grpc.Points.PointStruct;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Upsert throughput of the local server through the official client: 384-d points in batches of
 * 256, {@code wait=true}, two concurrent streams, into a collection of up to 100,000 points (each
 * stream cycles through its own 50,000 ids, so once full every batch replaces points). The score is
 * points per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx8g"})
@Threads(2)
public class LocalQdrantUpsertBenchmark {
  static final int BATCH = 256;
  static final long IDS_PER_STREAM = 50_000;

  /** The server under test; "disk" keeps a write-ahead log (fsync per acknowledged batch). */
  @State(Scope.Benchmark)
  public static class Server {
    @Param({"disk", "memory"})
    public String storage;

    LocalQdrantFixture fixture;
    final AtomicLong streams = new AtomicLong();
    List<float[]> vectors;

    @Setup(Level.Trial)
    public void start() throws IOException {
      fixture = new LocalQdrantFixture("disk".equals(storage));
      SplittableRandom random = new SplittableRandom(42);
      vectors = new ArrayList<>();
      for (int i = 0; i < 4096; i++) {
        vectors.add(LocalQdrantFixture.vector(random));
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
      fixture.close();
    }
  }

  /** One stream: its own range of ids. */
  @State(Scope.Thread)
  public static class Stream {
    long firstId;
    long written;
    int cursor;

    @Setup(Level.Trial)
    public void start(Server server) {
      firstId = server.streams.getAndIncrement() * IDS_PER_STREAM;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void upsertBatchOf256(Server server, Stream stream) {
    List<PointStruct> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      float[] v = server.vectors.get(stream.cursor++ & 4095);
      batch.add(LocalQdrantFixture.point(stream.firstId + stream.written++ % IDS_PER_STREAM, v));
    }
    server.fixture.upsert(batch);
  }
}
