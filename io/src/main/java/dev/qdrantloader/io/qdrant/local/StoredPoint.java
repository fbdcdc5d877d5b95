package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.JsonWithInt.Value;
import java.util.Map;

/**
 * One point as the server keeps it. Immutable: an update builds a new instance. {@code vectors} is
 * aligned with the collection's vector names; an entry is null when the point lacks that vector.
 * Cosine vectors are stored normalised, as Qdrant does.
 */
final class StoredPoint {
  final PointKey key;
  final float[][] vectors;
  final Map<String, Value> payload;

  StoredPoint(PointKey key, float[][] vectors, Map<String, Value> payload) {
    this.key = key;
    this.vectors = vectors;
    this.payload = payload;
  }

  StoredPoint withPayload(Map<String, Value> newPayload) {
    return new StoredPoint(key, vectors, newPayload);
  }
}
