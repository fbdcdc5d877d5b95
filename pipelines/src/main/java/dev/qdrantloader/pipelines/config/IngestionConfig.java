package dev.qdrantloader.pipelines.config;

import dev.qdrantloader.transforms.resources.ResourceLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything an ingestion run needs from a workspace, read by {@link WorkspaceConfig#load(Path)}
 * from its {@code config.yaml}: settings with every default filled in, and the projects with their
 * sources. Immutable; {@link #withOnly} narrows it to what one {@code ingest} selects.
 *
 * @param workspace the workspace directory, absolute
 * @param qdrant where points go
 * @param embedding how chunks are embedded
 * @param chunking how documents are cut
 * @param fileConversion limits on converting files to text
 * @param resources when intake slows down for lack of heap or CPU ({@code global.resources})
 * @param projects the projects, in file order
 */
public record IngestionConfig(
    Path workspace,
    QdrantSettings qdrant,
    EmbeddingSettings embedding,
    ChunkingSettings chunking,
    FileConversionSettings fileConversion,
    ResourceLimits resources,
    List<ProjectConfig> projects) {

  public IngestionConfig {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(qdrant, "qdrant");
    Objects.requireNonNull(embedding, "embedding");
    Objects.requireNonNull(chunking, "chunking");
    Objects.requireNonNull(fileConversion, "fileConversion");
    Objects.requireNonNull(resources, "resources");
    projects = List.copyOf(projects);
    Set<String> ids = new HashSet<>();
    for (ProjectConfig p : projects) {
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("two projects have the id `" + p.id() + "`");
      }
    }
  }

  /**
   * This configuration with only the sources that {@code ingest --project/--source-type/--source}
   * select; a null argument selects everything. Projects left without sources are dropped.
   *
   * @throws ConfigException when nothing is selected, naming what was asked and what exists
   */
  public IngestionConfig withOnly(String projectId, String sourceType, String sourceName) {
    List<ProjectConfig> kept = new ArrayList<>();
    for (ProjectConfig p : projects) {
      if (projectId != null && !p.id().equals(projectId)) {
        continue;
      }
      boolean typeMatches = sourceType == null || LocalFileSourceConfig.TYPE.equals(sourceType);
      List<LocalFileSourceConfig> sources =
          p.localFileSources().stream()
              .filter(s -> typeMatches && (sourceName == null || s.name().equals(sourceName)))
              .toList();
      if (!sources.isEmpty()) {
        kept.add(new ProjectConfig(p.id(), p.displayName(), p.description(), sources));
      }
    }
    if (kept.isEmpty()) {
      throw new ConfigException(
          workspace.resolve(WorkspaceConfig.CONFIG_FILE),
          nothingMatches(projectId, sourceType, sourceName));
    }
    return new IngestionConfig(
        workspace, qdrant, embedding, chunking, fileConversion, resources, kept);
  }

  private String nothingMatches(String projectId, String sourceType, String sourceName) {
    List<String> asked = new ArrayList<>();
    if (projectId != null) {
      asked.add("--project " + projectId);
    }
    if (sourceType != null) {
      asked.add("--source-type " + sourceType);
    }
    if (sourceName != null) {
      asked.add("--source " + sourceName);
    }
    String existing =
        projects.stream()
            .flatMap(
                p ->
                    p.localFileSources().stream()
                        .map(s -> p.id() + "/" + LocalFileSourceConfig.TYPE + "/" + s.name()))
            .collect(Collectors.joining(", "));
    StringBuilder sb = new StringBuilder();
    sb.append(
        asked.isEmpty() ? "no sources to ingest" : "no source matches " + String.join(" ", asked));
    if (projectId != null && projects.stream().noneMatch(p -> p.id().equals(projectId))) {
      sb.append(
          Suggestions.didYouMean(projectId, projects.stream().map(ProjectConfig::id).toList()));
    }
    sb.append(
        existing.isEmpty()
            ? "; no sources are configured (add one under projects.<id>.sources.localfile)"
            : "; configured sources (project/type/name): " + existing);
    return sb.toString();
  }
}
