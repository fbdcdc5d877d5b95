package dev.qdrantloader.pipelines.config;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One project of a workspace ({@code projects.<id>}): a named group of sources whose points carry
 * the project id, so one collection can serve several projects.
 *
 * @param id matches {@code ^[a-zA-Z][a-zA-Z0-9_-]*$}
 * @param displayName for people; the id when the YAML gives none
 * @param description free text, or null
 * @param localFileSources the {@code sources.localfile} entries, in file order
 */
public record ProjectConfig(
    String id, String displayName, String description, List<LocalFileSourceConfig> localFileSources)
    implements Serializable {
  /** What a project id must look like. */
  public static final Pattern ID_PATTERN = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_-]*$");

  public ProjectConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(displayName, "displayName");
    if (!ID_PATTERN.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "project id `" + id + "` does not match " + ID_PATTERN.pattern());
    }
    localFileSources = List.copyOf(localFileSources);
    Set<String> names = new HashSet<>();
    for (LocalFileSourceConfig s : localFileSources) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException(
            "project `" + id + "` has two localfile sources named `" + s.name() + "`");
      }
    }
  }
}
