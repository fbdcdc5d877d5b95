package dev.qdrantloader.runners.dataflow;

import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * The Dataflow flex template's own parameters, on top of Dataflow's options. Each getter declared
 * here is a parameter of {@code templates/dataflow/metadata.json} (a test keeps the two in step);
 * {@link DataflowTemplate} removes them from the arguments and passes every other one to the runner
 * unchanged. The filters are not called {@code project}: that name is the GCP project.
 */
public interface IngestTemplateOptions extends DataflowPipelineOptions {
  @Description(
      "Workspace directory on a Beam filesystem, e.g. gs://bucket/workspace: holds config.yaml"
          + " (with global.qdrant.url of a Qdrant the workers can reach, and gs:// base_url for"
          + " localfile sources) and optionally .env with the secrets it refers to.")
  @Validation.Required
  String getWorkspace();

  void setWorkspace(String value);

  @Description("Only the project with this id (ingest --project).")
  String getOnlyProject();

  void setOnlyProject(String value);

  @Description("Only sources of this type, e.g. localfile (ingest --source-type).")
  String getSourceType();

  void setSourceType(String value);

  @Description("Only the source with this name (ingest --source).")
  String getSource();

  void setSource(String value);

  @Description(
      "true: re-convert, re-embed and rewrite every listed document, even unchanged ones, and"
          + " remove points no manifest entry accounts for (ingest --force).")
  @Default.Boolean(false)
  boolean getForce();

  void setForce(boolean value);
}
