package dev.qdrantloader.pipelines.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where points are written ({@code global.qdrant}).
 *
 * @param url a Qdrant server, or null for the embedded local mode (what {@code local} or no {@code
 *     url} in the YAML mean)
 * @param apiKey the server's API key, or null; never printed by {@link #toString()}
 * @param collectionName the one collection every project writes to, told apart by project id
 */
public record QdrantSettings(String url, String apiKey, String collectionName)
    implements Serializable {
  public static final String DEFAULT_COLLECTION_NAME = "documents";

  public QdrantSettings {
    Objects.requireNonNull(collectionName, "collectionName");
    if (collectionName.isBlank()) {
      throw new IllegalArgumentException("collectionName must not be blank");
    }
  }

  /** Embedded local mode, no key, collection {@code documents}. */
  public static QdrantSettings defaults() {
    return new QdrantSettings(null, null, DEFAULT_COLLECTION_NAME);
  }

  /** True for the embedded local mode (no server URL). */
  public boolean isLocal() {
    return url == null;
  }

  @Override
  public String toString() {
    return "QdrantSettings[url="
        + (url == null ? "local" : url)
        + ", apiKey="
        + (apiKey == null ? "null" : "****")
        + ", collectionName="
        + collectionName
        + "]";
  }
}
