package dev.qdrantloader.io.qdrant;

import io.qdrant.client.ConditionFactory;
import io.qdrant.client.grpc.Common.Filter;
import java.io.Serializable;
import java.util.List;

/**
 * One listed source: the unit the manifest is read, and orphans are swept, by. A run filtered with
 * {@code --project} or {@code --source} has fewer scopes, so it touches nothing outside them.
 *
 * @param projectId the project
 * @param sourceType the source type, e.g. {@code localfile}
 * @param source the source's name
 */
public record SourceScope(String projectId, String sourceType, String source)
    implements Serializable {
  public SourceScope {
    if (projectId == null || sourceType == null || source == null) {
      throw new IllegalArgumentException(
          "a scope needs project, source type and source, got "
              + projectId
              + "/"
              + sourceType
              + "/"
              + source);
    }
  }

  /** Points (or entries) of this source. */
  Filter filter() {
    return Filter.newBuilder()
        .addMust(ConditionFactory.matchKeyword(PointPayloads.PROJECT_ID, projectId))
        .addMust(ConditionFactory.matchKeyword(PointPayloads.SOURCE_TYPE, sourceType))
        .addMust(ConditionFactory.matchKeyword(PointPayloads.SOURCE, source))
        .build();
  }

  List<String> asList() {
    return List.of(projectId, sourceType, source);
  }

  static SourceScope of(List<String> parts) {
    return new SourceScope(parts.get(0), parts.get(1), parts.get(2));
  }

  @Override
  public String toString() {
    return projectId + "/" + sourceType + "/" + source;
  }
}
