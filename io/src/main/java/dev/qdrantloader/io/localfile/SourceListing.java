package dev.qdrantloader.io.localfile;

import dev.qdrantloader.transforms.model.DocumentIds;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * Which listed files of a source are documents, and what the listing says about each: the one place
 * {@link ReadDocuments} and a driver that checks for changes before launching a pipeline decide it,
 * so both see the same documents.
 */
public final class SourceListing implements Serializable {
  private final LocalFileSpec spec;
  private transient PathFilter filter;
  private transient String basePrefix;

  public SourceListing(LocalFileSpec spec) {
    this.spec = spec;
  }

  /**
   * One listed document.
   *
   * @param documentId its document id
   * @param relativePath path under the source's base
   * @param url full location
   * @param sizeBytes size as listed
   * @param lastModifiedMillis modification time (0 when unknown)
   */
  public record Listed(
      String documentId,
      String relativePath,
      String url,
      long sizeBytes,
      long lastModifiedMillis) {}

  /** The pattern that lists the source. */
  public String pattern() {
    return spec.normalizedBase() + "/**";
  }

  /** The document a listed file is, or null when it is not one (directory, filtered out). */
  public Listed describe(MatchResult.Metadata file) {
    if (filter == null) {
      filter = new PathFilter(spec);
      String base = spec.normalizedBase();
      basePrefix = base.endsWith("/") ? base : base + "/";
    }
    if (file.resourceId().isDirectory()) {
      return null;
    }
    String full = file.resourceId().toString();
    if (!full.startsWith(basePrefix)) {
      return null;
    }
    String relative = DocumentIds.normalizePath(full.substring(basePrefix.length()));
    if (!filter.accepts(relative)) {
      return null;
    }
    String documentId =
        DocumentIds.documentId(
            spec.projectId(), LocalFileSpec.SOURCE_TYPE, spec.source(), relative);
    String url = full.contains("://") ? full : "file://" + full;
    long modified = file.lastModifiedMillis();
    if (modified <= 0 && !full.contains("://")) {
      // Beam's local listing does not always carry the time: ask the file system.
      try {
        modified =
            java.nio.file.Files.getLastModifiedTime(java.nio.file.Paths.get(full)).toMillis();
      } catch (IOException | RuntimeException ignored) {
        modified = 0; // unknown; reading it reports a file that is really gone
      }
    }
    return new Listed(documentId, relative, url, file.sizeBytes(), modified);
  }

  /** Lists the source's documents now, from the calling thread. */
  public List<Listed> listNow() throws IOException {
    List<Listed> out = new ArrayList<>();
    MatchResult match = FileSystems.match(pattern(), EmptyMatchTreatment.ALLOW);
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return out;
    }
    for (MatchResult.Metadata m : match.metadata()) {
      Listed l = describe(m);
      if (l != null) {
        out.add(l);
      }
    }
    return out;
  }
}
