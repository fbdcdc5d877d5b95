package dev.qdrantloader.transforms.model;

import java.io.Serializable;

/**
 * A chunk's point that Qdrant acknowledged as durable ({@code wait=true}): enough to tell, per
 * document, whether every chunk landed and what the manifest entry records.
 *
 * @param documentId the document's id
 * @param chunkIndex the chunk's position in the document
 * @param chunkCount how many chunks the document has
 * @param chunkHash SHA-256 (hex) of the chunk's text
 */
public record WrittenPoint(String documentId, int chunkIndex, int chunkCount, String chunkHash)
    implements Serializable {

  /** The written point's id. */
  public String pointId() {
    return DocumentIds.pointId(documentId, chunkIndex, chunkHash);
  }

  /** The point written for {@code c}. */
  public static WrittenPoint of(Chunk c) {
    return new WrittenPoint(c.documentId(), c.chunkIndex(), c.chunkCount(), c.chunkHash());
  }
}
