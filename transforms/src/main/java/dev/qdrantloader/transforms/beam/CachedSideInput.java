package dev.qdrantloader.transforms.beam;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * A side input read once per window and DoFn instance. The DirectRunner rebuilds a map view from
 * its elements on every {@code sideInput} call, which made a lookup per element cost a pass over
 * the whole manifest; the value of a batch pipeline's side input never changes once it is ready.
 */
public final class CachedSideInput<T> implements Serializable {
  private final PCollectionView<T> view;
  private transient BoundedWindow window;
  private transient T value;

  private CachedSideInput(PCollectionView<T> view) {
    this.view = view;
  }

  public static <T> CachedSideInput<T> of(PCollectionView<T> view) {
    return new CachedSideInput<>(view);
  }

  public PCollectionView<T> view() {
    return view;
  }

  /** The side input's value in {@code w}. */
  public T get(DoFn<?, ?>.ProcessContext context, BoundedWindow w) {
    if (value == null || !w.equals(window)) {
      value = context.sideInput(view);
      window = w;
    }
    return value;
  }
}
