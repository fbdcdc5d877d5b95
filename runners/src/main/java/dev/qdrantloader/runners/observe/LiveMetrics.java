package dev.qdrantloader.runners.observe;

import dev.qdrantloader.runners.report.MetricsSnapshot;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.beam.sdk.PipelineResult;

/**
 * A run's Beam metrics as the monitor and the endpoint read them: empty before the pipeline runs,
 * the running result's attempted values while it runs, the final figures once they are set.
 */
public final class LiveMetrics implements Supplier<MetricsSnapshot> {
  private final AtomicReference<PipelineResult> running = new AtomicReference<>();
  private final AtomicReference<MetricsSnapshot> last = new AtomicReference<>();

  /** The pipeline now running. */
  public void running(PipelineResult result) {
    running.set(result);
  }

  /** The run's final figures: from now on {@link #get()} gives them. */
  public void finish(MetricsSnapshot figures) {
    last.set(figures);
  }

  /** Whether the final figures are set. */
  public boolean finished() {
    return last.get() != null;
  }

  @Override
  public MetricsSnapshot get() {
    MetricsSnapshot done = last.get();
    if (done != null) {
      return done;
    }
    PipelineResult r = running.get();
    return r == null ? MetricsSnapshot.EMPTY : MetricsSnapshot.of(r, true);
  }
}
