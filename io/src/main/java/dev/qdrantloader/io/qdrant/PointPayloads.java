package dev.qdrantloader.io.qdrant;

import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.value;

import dev.qdrantloader.transforms.model.Chunk;
import dev.qdrantloader.transforms.model.EmbeddedChunk;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DenseVector;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.Vectors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The point written for a chunk: id, vector and the payload schema of the loader (top-level keys,
 * so the payload indexes find them).
 */
public final class PointPayloads {
  private PointPayloads() {}

  /** Payload keys; {@link QdrantCollections} indexes the ones filters use. */
  public static final String DOCUMENT_ID = "document_id";

  public static final String PROJECT_ID = "project_id";
  public static final String SOURCE_TYPE = "source_type";
  public static final String SOURCE = "source";
  public static final String PATH = "path";
  public static final String URL = "url";
  public static final String TITLE = "title";
  public static final String MIME_TYPE = "mime_type";
  public static final String CONTENT = "content";
  public static final String CHUNK_INDEX = "chunk_index";
  public static final String CHUNK_COUNT = "chunk_count";
  public static final String CONTENT_HASH = "content_hash";
  public static final String CHUNK_HASH = "chunk_hash";
  public static final String HEADING_PATH = "heading_path";
  public static final String SOURCE_LAST_MODIFIED = "source_last_modified";
  public static final String INGESTED_AT = "ingested_at";

  public static PointStruct point(EmbeddedChunk e, String ingestedAt) {
    Chunk c = e.chunk();
    // Floats added one by one: the client's list-based factories box every component.
    DenseVector.Builder dense = DenseVector.newBuilder();
    for (float f : e.vector()) {
      dense.addData(f);
    }
    List<Value> headings = new ArrayList<>(c.headingPath().size());
    for (String h : c.headingPath()) {
      headings.add(value(h));
    }
    PointStruct.Builder p =
        PointStruct.newBuilder()
            .setId(PointIdFactory.id(UUID.fromString(c.pointId())))
            .setVectors(Vectors.newBuilder().setVector(Vector.newBuilder().setDense(dense)))
            .putPayload(DOCUMENT_ID, value(c.documentId()))
            .putPayload(PROJECT_ID, value(c.projectId()))
            .putPayload(SOURCE_TYPE, value(c.sourceType()))
            .putPayload(SOURCE, value(c.source()))
            .putPayload(PATH, value(c.path()))
            .putPayload(URL, value(c.url()))
            .putPayload(TITLE, value(c.title() == null ? "" : c.title()))
            .putPayload(MIME_TYPE, value(c.mimeType() == null ? "" : c.mimeType()))
            .putPayload(CONTENT, value(c.text()))
            .putPayload(CHUNK_INDEX, value(c.chunkIndex()))
            .putPayload(CHUNK_COUNT, value(c.chunkCount()))
            .putPayload(CONTENT_HASH, value(c.contentHash()))
            .putPayload(CHUNK_HASH, value(c.chunkHash()))
            .putPayload(HEADING_PATH, list(headings))
            .putPayload(INGESTED_AT, value(ingestedAt));
    if (c.lastModifiedMillis() > 0) {
      p.putPayload(
          SOURCE_LAST_MODIFIED, value(Instant.ofEpochMilli(c.lastModifiedMillis()).toString()));
    }
    return p.build();
  }
}
