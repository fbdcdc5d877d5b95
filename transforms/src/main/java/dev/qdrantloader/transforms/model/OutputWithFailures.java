package dev.qdrantloader.transforms.model;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The shape every stage returns: what it produced, and the elements it could not process with their
 * reasons. Subclasses name the output ({@code documents()}, {@code chunks()}, ...).
 */
public abstract class OutputWithFailures<T> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<T> outputTag;
  private final PCollection<T> output;
  private final TupleTag<Failure> failureTag;
  private final PCollection<Failure> failures;

  protected OutputWithFailures(
      Pipeline pipeline,
      TupleTag<T> outputTag,
      PCollection<T> output,
      TupleTag<Failure> failureTag,
      PCollection<Failure> failures) {
    this.pipeline = pipeline;
    this.outputTag = outputTag;
    this.output = output;
    this.failureTag = failureTag;
    this.failures = failures;
  }

  protected PCollection<T> output() {
    return output;
  }

  /** What could not be processed, one element per failing document or chunk, with the reason. */
  public PCollection<Failure> failures() {
    return failures;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(outputTag, output, failureTag, failures);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
