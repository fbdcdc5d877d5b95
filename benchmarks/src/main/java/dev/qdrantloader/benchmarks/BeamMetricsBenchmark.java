package dev.qdrantloader.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.core.metrics.MetricsContainerImpl;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.MetricName;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one Beam metric update costs a DoFn on the DirectRunner: {@code Counter.inc()} and {@code
 * Distribution.update()} through the {@code Metrics.counter}/{@code Metrics.distribution} handles
 * our DoFns keep in final fields. The DirectRunner runs each bundle of a step with a fresh {@link
 * MetricsContainerImpl} named after the step, made current for the worker thread with {@link
 * MetricsEnvironment#scopedMetricsContainer} (Beam 2.70's {@code DirectTransformExecutor.run}); so
 * does this benchmark, on its own thread, with the cells a reading step has already created (the
 * bundle's first element creates them). Each update is then a thread-local read, a map lookup by
 * metric name and an atomic update of the cell, uncontended: a container belongs to one bundle on
 * one thread.
 *
 * <p>Not measured here: the runner's collection of each step's updates after every element, which
 * it does whether a DoFn updates one metric or many.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class BeamMetricsBenchmark {
  private final Counter listed = Metrics.counter(BeamMetricsBenchmark.class, "documents_listed");
  private final Counter read = Metrics.counter(BeamMetricsBenchmark.class, "documents_read");
  private final Counter failed = Metrics.counter(BeamMetricsBenchmark.class, "documents_failed");
  private final Distribution micros =
      Metrics.distribution(BeamMetricsBenchmark.class, "read_micros");

  private MetricsContainerImpl container;
  private Closeable bundle;
  private long elapsed;

  /** A bundle's scope on this thread, as the DirectRunner opens one. */
  @Setup(Level.Iteration)
  public void openBundle() {
    container = new MetricsContainerImpl("ReadDocuments/ParDo(ReadFn)");
    bundle = MetricsEnvironment.scopedMetricsContainer(container);
    listed.inc();
    read.inc();
    failed.inc(0);
    micros.update(1);
  }

  /** Closes the scope, and checks the updates reached the container (not a no-op). */
  @TearDown(Level.Iteration)
  public void closeBundle() throws IOException {
    bundle.close();
    long reads =
        container
            .getCounter(MetricName.named(BeamMetricsBenchmark.class, "documents_read"))
            .getCumulative();
    long updates =
        container
            .getDistribution(MetricName.named(BeamMetricsBenchmark.class, "read_micros"))
            .getCumulative()
            .count();
    if (reads + updates < 3) {
      throw new IllegalStateException("the updates did not reach the bundle's container");
    }
  }

  @Benchmark
  public void counterInc() {
    read.inc();
  }

  @Benchmark
  public void distributionUpdate() {
    // a varying value, as timings are: min and max move now and then
    micros.update(elapsed++ & 1023);
  }
}
