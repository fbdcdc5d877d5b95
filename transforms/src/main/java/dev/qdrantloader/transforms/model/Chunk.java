package dev.qdrantloader.transforms.model;

import java.io.Serializable;
import java.util.List;

/**
 * One chunk of a document, ready to embed. Immutable.
 *
 * @param documentId the document's stable id
 * @param projectId project
 * @param sourceType source type
 * @param source source name
 * @param path relative path of the document
 * @param url location of the document
 * @param title document title
 * @param mimeType media type of the original file
 * @param chunkIndex 0-based position in the document
 * @param chunkCount number of chunks of the document
 * @param text the chunk's text, exactly what is embedded
 * @param headingPath headings above the chunk, outermost first (empty when none)
 * @param contentHash SHA-256 of the document's original bytes
 * @param chunkHash SHA-256 (hex) of {@code text}
 * @param tokenCount tokens the embedding model sees for {@code text} (special tokens included)
 * @param lastModifiedMillis the document's last-modified time at the source
 */
public record Chunk(
    String documentId,
    String projectId,
    String sourceType,
    String source,
    String path,
    String url,
    String title,
    String mimeType,
    int chunkIndex,
    int chunkCount,
    String text,
    List<String> headingPath,
    String contentHash,
    String chunkHash,
    int tokenCount,
    long lastModifiedMillis)
    implements Serializable {

  public Chunk {
    headingPath = List.copyOf(headingPath);
  }

  /** The Qdrant point id: UUID v5 of (document id, chunk index, chunk hash). */
  public String pointId() {
    return DocumentIds.pointId(documentId, chunkIndex, chunkHash);
  }
}
