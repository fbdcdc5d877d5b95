package dev.qdrantloader.pipelines;

import dev.qdrantloader.io.localfile.LocalFileSpec;
import dev.qdrantloader.io.localfile.SourceListing;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.transforms.model.ManifestEntry;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fast path of a run with nothing to do, checked by the driver before it builds a pipeline:
 * every listed document has a manifest entry with the same size and modification time (the
 * fingerprint {@code DiffDocuments} trusts too), and every entry a listed document. Then the
 * pipeline would only read, compare and skip, so it is not launched.
 */
public final class UpToDate {
  /** Counter name saying the run was answered by this check. */
  public static final String SKIPPED = "UpToDate.pipeline_skipped";

  private UpToDate() {}

  /**
   * The counters of a run that finds nothing to do, or empty when something may have changed (or
   * the job forces work or sweeps).
   */
  public static Optional<Map<String, Long>> check(IngestionJob job, QdrantClient client) {
    if (job.force() || job.sweep() || job.sources().isEmpty()) {
      return Optional.empty();
    }
    long listed = 0;
    for (LocalFileSpec s : job.sources()) {
      List<SourceListing.Listed> files;
      try {
        files = new SourceListing(s).listNow();
      } catch (IOException | RuntimeException e) {
        return Optional.empty(); // the pipeline reports it properly
      }
      Map<String, ManifestEntry> entries = new HashMap<>();
      for (ManifestEntry e :
          QdrantManifest.read(
              client, job.collection(), s.projectId(), LocalFileSpec.SOURCE_TYPE, s.source())) {
        entries.put(e.documentId(), e);
      }
      if (files.size() != entries.size()) {
        return Optional.empty();
      }
      for (SourceListing.Listed f : files) {
        ManifestEntry e = entries.get(f.documentId());
        if (e == null
            || !e.matchesListing(f.sizeBytes(), f.lastModifiedMillis())
            || f.sizeBytes() > s.maxFileSize()) {
          return Optional.empty();
        }
      }
      listed += files.size();
    }
    Map<String, Long> counters = new HashMap<>();
    counters.put("ReadDocuments.documents_listed", listed);
    counters.put("DiffDocuments.documents_unchanged", listed);
    counters.put(SKIPPED, 1L);
    return Optional.of(counters);
  }
}
