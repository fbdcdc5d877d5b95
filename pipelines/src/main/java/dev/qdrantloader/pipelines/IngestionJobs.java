package dev.qdrantloader.pipelines;

import dev.qdrantloader.io.convert.ConversionLimits;
import dev.qdrantloader.io.localfile.LocalFileSpec;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.pipelines.config.ConfigException;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import dev.qdrantloader.pipelines.config.LocalFileSourceConfig;
import dev.qdrantloader.pipelines.config.ProjectConfig;
import dev.qdrantloader.transforms.chunk.ChunkingOptions;
import dev.qdrantloader.transforms.embed.EmbedChunks;
import dev.qdrantloader.transforms.model.Failure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Resolves a workspace configuration into an {@link IngestionJob}. */
public final class IngestionJobs {
  private IngestionJobs() {}

  /** A job, plus the sources that could not even be listed (reported as failures). */
  public record Planned(IngestionJob job, List<Failure> unavailableSources) {}

  /** Chunks of remote models default to this many tokens (or their window when smaller). */
  public static final int DEFAULT_REMOTE_CHUNK_SIZE = 512;

  /**
   * Chunk size in tokens: the configured one, or the model's window (at most {@value
   * #DEFAULT_REMOTE_CHUNK_SIZE} for a remote model); never over the window.
   */
  public static ChunkingOptions chunking(IngestionConfig config, EmbeddingPlan embedding) {
    Integer size = config.chunking().chunkSize();
    int window = embedding.window();
    int max =
        size != null
            ? size
            : embedding.isRemote() ? Math.min(DEFAULT_REMOTE_CHUNK_SIZE, window) : window;
    if (max > window) {
      throw new ConfigException(
          config.workspace().resolve("config.yaml"),
          "global.chunking.chunk_size is "
              + max
              + " tokens, but the model "
              + embedding.id()
              + " embeds at most "
              + window
              + " tokens of one input and would silently cut the rest; use chunk_size <= "
              + window);
    }
    int overlap = config.chunking().chunkOverlap();
    if (overlap * 2 >= max) {
      throw new ConfigException(
          config.workspace().resolve("config.yaml"),
          "global.chunking.chunk_overlap ("
              + overlap
              + ") must be less than half of the chunk size ("
              + max
              + " tokens)");
    }
    return new ChunkingOptions(max, overlap);
  }

  /** A job with the configuration's embedding plan as it is (not probed). */
  public static Planned plan(
      IngestionConfig config, QdrantConnection qdrant, String ingestedAt, String failuresPrefix) {
    return plan(config, EmbeddingPlan.of(config), qdrant, ingestedAt, failuresPrefix);
  }

  public static Planned plan(
      IngestionConfig config,
      EmbeddingPlan embedding,
      QdrantConnection qdrant,
      String ingestedAt,
      String failuresPrefix) {
    ChunkingOptions chunking = chunking(config, embedding);
    List<LocalFileSpec> sources = new ArrayList<>();
    List<Failure> unavailable = new ArrayList<>();
    for (ProjectConfig project : config.projects()) {
      for (LocalFileSourceConfig s : project.localFileSources()) {
        LocalFileSpec spec =
            new LocalFileSpec(
                project.id(),
                s.name(),
                s.baseUrl(),
                s.includePaths(),
                s.excludePaths(),
                s.fileTypes(),
                Math.min(s.maxFileSize(), config.fileConversion().maxFileSize()));
        String missing = missingLocalBase(spec);
        if (missing != null) {
          unavailable.add(new Failure("read", project.id(), s.name(), s.baseUrl(), missing));
        } else {
          sources.add(spec);
        }
      }
    }
    IngestionJob job =
        new IngestionJob(
            sources,
            new ConversionLimits(
                config.fileConversion().maxFileSize(), config.fileConversion().conversionTimeout()),
            config.resources(),
            chunking,
            embedding,
            qdrant,
            config.qdrant().collectionName(),
            ingestedAt,
            failuresPrefix,
            0,
            EmbedChunks.Batching.GROUP_INTO_BATCHES,
            false,
            false);
    return new Planned(job, unavailable);
  }

  /** For local bases: why the base cannot be listed, or null when it is a readable directory. */
  private static String missingLocalBase(LocalFileSpec spec) {
    String base = spec.normalizedBase();
    if (base.matches(".*[*?\\[\\]{}].*")) {
      // FileIO lists with a glob under the base: these characters would change what it matches.
      return "base path contains a glob character (* ? [ ] { }), which listing cannot take"
          + " literally: "
          + base;
    }
    if (base.contains("://")) {
      // Another Beam filesystem: it must be on the classpath; listing reports other problems.
      org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(
          org.apache.beam.sdk.options.PipelineOptionsFactory.create());
      try {
        org.apache.beam.sdk.io.FileSystems.matchNewResource(base, true);
        return null;
      } catch (IllegalArgumentException e) {
        return "no Beam filesystem for `"
            + base.substring(0, base.indexOf("://") + 3)
            + "` is on the classpath of this build ("
            + e.getMessage()
            + ")";
      }
    }
    Path p = Paths.get(base);
    if (!Files.exists(p)) {
      return "base path does not exist: " + p;
    }
    if (!Files.isDirectory(p)) {
      return "base path is not a directory: " + p;
    }
    if (!Files.isReadable(p)) {
      return "base path is not readable: " + p;
    }
    return null;
  }
}
