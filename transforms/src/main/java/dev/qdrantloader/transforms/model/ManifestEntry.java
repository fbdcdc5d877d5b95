package dev.qdrantloader.transforms.model;

import java.io.Serializable;
import java.util.List;

/**
 * What the collection holds for one document, as the last run that wrote it recorded: enough to
 * tell, before converting anything, whether the document changed, and which of its chunks can keep
 * their vectors.
 *
 * @param documentId the document's stable id ({@link DocumentIds#documentId})
 * @param projectId the project the document belongs to
 * @param sourceType the source type, e.g. {@code localfile}
 * @param source the source's name
 * @param path the document's path within its source
 * @param contentHash SHA-256 (hex) of the document's raw bytes: its fingerprint
 * @param sizeBytes the raw size when it was ingested
 * @param lastModifiedMillis the source's modification time when it was ingested (0 if unknown)
 * @param chunkHashes SHA-256 (hex) of each chunk's text, in chunk order
 * @param ingestedAt RFC 3339 time of the run that wrote it
 */
public record ManifestEntry(
    String documentId,
    String projectId,
    String sourceType,
    String source,
    String path,
    String contentHash,
    long sizeBytes,
    long lastModifiedMillis,
    List<String> chunkHashes,
    String ingestedAt)
    implements Serializable {
  public ManifestEntry {
    chunkHashes = List.copyOf(chunkHashes);
  }

  /**
   * The cheap fingerprint: a file listed with this size and (known) modification time is taken to
   * be what this entry recorded, without reading it.
   */
  public boolean matchesListing(long listedSizeBytes, long listedLastModifiedMillis) {
    return listedLastModifiedMillis > 0
        && listedLastModifiedMillis == lastModifiedMillis
        && listedSizeBytes == sizeBytes;
  }

  /** The ids of the points this entry records, in chunk order. */
  public List<String> pointIds() {
    List<String> ids = new java.util.ArrayList<>(chunkHashes.size());
    for (int i = 0; i < chunkHashes.size(); i++) {
      ids.add(DocumentIds.pointId(documentId, i, chunkHashes.get(i)));
    }
    return ids;
  }

  /** This entry with the chunks and run of a new ingestion. */
  public ManifestEntry withChunks(List<String> hashes, String runIngestedAt) {
    return new ManifestEntry(
        documentId,
        projectId,
        sourceType,
        source,
        path,
        contentHash,
        sizeBytes,
        lastModifiedMillis,
        hashes,
        runIngestedAt);
  }

  /** This entry with a new listed size and modification time (same bytes, touched). */
  public ManifestEntry withListing(long listedSizeBytes, long listedLastModifiedMillis) {
    return new ManifestEntry(
        documentId,
        projectId,
        sourceType,
        source,
        path,
        contentHash,
        listedSizeBytes,
        listedLastModifiedMillis,
        chunkHashes,
        ingestedAt);
  }

  /** The entry for a file as listed now, before it is chunked (no chunk hashes yet). */
  public static ManifestEntry listed(SourceFile f, String contentHash) {
    return new ManifestEntry(
        f.documentId(),
        f.projectId(),
        f.sourceType(),
        f.source(),
        f.path(),
        contentHash,
        f.sizeBytes(),
        f.lastModifiedMillis(),
        List.of(),
        "");
  }
}
