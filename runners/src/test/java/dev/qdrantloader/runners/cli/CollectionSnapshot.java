package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qdrantloader.io.qdrant.QdrantCollections;
import dev.qdrantloader.io.qdrant.QdrantManifest;
import dev.qdrantloader.io.qdrant.RunHistory;
import dev.qdrantloader.transforms.model.DocumentIds;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A collection and its manifest as they compare across workspaces and runners: points by id
 * (payload hash without {@code ingested_at}, the workspace directory in {@code url} replaced by
 * {@code file://<workspace>}; vector, document and a label), manifest entries by document id, and
 * the runs. Read from a local-mode workspace that no process has open.
 */
record CollectionSnapshot(
    Map<String, String> points,
    Map<String, float[]> vectors,
    Map<String, String> pointDocuments,
    Map<String, String> pointLabels,
    Map<String, String> entries,
    Map<String, List<String>> entryChunks,
    Map<String, String> entryLabels,
    List<RunHistory.Run> runs,
    Map<String, String> pointIngestedAt,
    Map<String, String> entryIngestedAt) {
  private static final String WS = "file://<workspace>";

  /** Reads ws's collection and its manifest; no process may have the workspace open. */
  static CollectionSnapshot of(Path ws, String collection) throws Exception {
    return of(ws, collection, true);
  }

  static CollectionSnapshot of(Path ws, String collection, boolean withVectors) throws Exception {
    return CliEndToEndTest.queryStore(ws, client -> of(client, ws, collection, withVectors));
  }

  private static CollectionSnapshot of(
      QdrantClient client, Path ws, String collection, boolean withVectors) throws Exception {
    String prefix = "file://" + ws.toAbsolutePath().normalize();
    Map<String, String> points = new TreeMap<>();
    Map<String, float[]> vectors = new HashMap<>();
    Map<String, String> pointDocuments = new HashMap<>();
    Map<String, String> pointLabels = new HashMap<>();
    Map<String, String> pointIngestedAt = new HashMap<>();
    for (RetrievedPoint p : scroll(client, collection, withVectors)) {
      String id = p.getId().getUuid();
      Map<String, Value> payload = new TreeMap<>(p.getPayloadMap());
      pointIngestedAt.put(id, payload.remove("ingested_at").getStringValue());
      String url = payload.get("url").getStringValue();
      if (url.startsWith(prefix)) {
        payload.put(
            "url", Value.newBuilder().setStringValue(WS + url.substring(prefix.length())).build());
      }
      points.put(id, hash(payload));
      List<Float> v = p.getVectors().getVector().getDense().getDataList();
      float[] a = new float[v.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = v.get(i);
      }
      vectors.put(id, a);
      pointDocuments.put(id, payload.get("document_id").getStringValue());
      pointLabels.put(
          id,
          payload.get("path").getStringValue()
              + "#"
              + payload.get("chunk_index").getIntegerValue());
    }
    Map<String, String> entries = new TreeMap<>();
    Map<String, List<String>> entryChunks = new HashMap<>();
    Map<String, String> entryLabels = new HashMap<>();
    Map<String, String> entryIngestedAt = new HashMap<>();
    for (RetrievedPoint p : scroll(client, QdrantManifest.collectionFor(collection), false)) {
      Map<String, Value> payload = new TreeMap<>(p.getPayloadMap());
      if (!payload.get("kind").getStringValue().equals("document")) {
        continue;
      }
      String id = p.getId().getUuid();
      entryIngestedAt.put(id, payload.remove("ingested_at").getStringValue());
      entries.put(id, hash(payload));
      entryChunks.put(
          id,
          payload.get("chunk_hashes").getListValue().getValuesList().stream()
              .map(Value::getStringValue)
              .collect(Collectors.toList()));
      entryLabels.put(id, payload.get("path").getStringValue());
    }
    List<RunHistory.Run> runs =
        QdrantCollections.exists(client, QdrantManifest.collectionFor(collection))
            ? RunHistory.all(client, collection)
            : List.of();
    return new CollectionSnapshot(
        points,
        vectors,
        pointDocuments,
        pointLabels,
        entries,
        entryChunks,
        entryLabels,
        runs,
        pointIngestedAt,
        entryIngestedAt);
  }

  private static List<RetrievedPoint> scroll(
      QdrantClient client, String collection, boolean withVectors) throws Exception {
    List<RetrievedPoint> out = new ArrayList<>();
    if (!QdrantCollections.exists(client, collection)) {
      return out;
    }
    PointId offset = null;
    do {
      ScrollPoints.Builder page =
          ScrollPoints.newBuilder()
              .setCollectionName(collection)
              .setLimit(1_000)
              .setWithPayload(WithPayloadSelectorFactory.enable(true))
              .setWithVectors(WithVectorsSelectorFactory.enable(withVectors));
      if (offset != null) {
        page.setOffset(offset);
      }
      ScrollResponse r = client.scrollAsync(page.build()).get(1, TimeUnit.MINUTES);
      out.addAll(r.getResultList());
      offset = r.hasNextPageOffset() ? r.getNextPageOffset() : null;
    } while (offset != null);
    return out;
  }

  /** SHA-256 of a canonical form of the payload: keys sorted at every level, values typed. */
  private static String hash(Map<String, Value> payload) {
    StringBuilder s = new StringBuilder();
    canonical(Value.newBuilder().setStructValue(structOf(payload)).build(), s);
    return DocumentIds.sha256Hex(s.toString());
  }

  private static io.qdrant.client.grpc.JsonWithInt.Struct structOf(Map<String, Value> m) {
    return io.qdrant.client.grpc.JsonWithInt.Struct.newBuilder().putAllFields(m).build();
  }

  private static void canonical(Value v, StringBuilder s) {
    switch (v.getKindCase()) {
      case STRUCT_VALUE -> {
        s.append('{');
        new TreeMap<>(v.getStructValue().getFieldsMap())
            .forEach(
                (k, x) -> {
                  quote(k, s);
                  s.append(':');
                  canonical(x, s);
                  s.append(',');
                });
        s.append('}');
      }
      case LIST_VALUE -> {
        s.append('[');
        for (Value x : v.getListValue().getValuesList()) {
          canonical(x, s);
          s.append(',');
        }
        s.append(']');
      }
      case STRING_VALUE -> quote(v.getStringValue(), s);
      case INTEGER_VALUE -> s.append("i").append(v.getIntegerValue());
      case DOUBLE_VALUE -> s.append("d").append(v.getDoubleValue());
      case BOOL_VALUE -> s.append(v.getBoolValue());
      default -> s.append("null");
    }
  }

  private static void quote(String x, StringBuilder s) {
    s.append('"').append(x.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
  }

  /** Equal point ids, payloads, vectors (cosine above 0.9999) and manifest entries. */
  static void assertSame(CollectionSnapshot expected, CollectionSnapshot actual, String where) {
    List<String> diffs = new ArrayList<>();
    for (String id : expected.points().keySet()) {
      if (!actual.points().containsKey(id)) {
        diffs.add("missing point " + expected.pointLabels().get(id) + " " + id);
      } else if (!expected.points().get(id).equals(actual.points().get(id))) {
        diffs.add("payload differs: " + expected.pointLabels().get(id) + " " + id);
      } else {
        double cos = cosine(expected.vectors().get(id), actual.vectors().get(id));
        if (cos < 0.9999) {
          diffs.add("vector differs (cosine " + cos + "): " + expected.pointLabels().get(id));
        }
      }
    }
    for (String id : actual.points().keySet()) {
      if (!expected.points().containsKey(id)) {
        diffs.add("extra point " + actual.pointLabels().get(id) + " " + id);
      }
    }
    for (String id : expected.entries().keySet()) {
      if (!actual.entries().containsKey(id)) {
        diffs.add("missing manifest entry " + expected.entryLabels().get(id));
      } else if (!expected.entries().get(id).equals(actual.entries().get(id))) {
        diffs.add("manifest entry differs: " + expected.entryLabels().get(id));
      }
    }
    for (String id : actual.entries().keySet()) {
      if (!expected.entries().containsKey(id)) {
        diffs.add("extra manifest entry " + actual.entryLabels().get(id));
      }
    }
    if (!diffs.isEmpty()) {
      fail(
          where
              + ": "
              + diffs.size()
              + " differences from the reference, e.g.\n  "
              + String.join("\n  ", diffs.subList(0, Math.min(25, diffs.size()))));
    }
  }

  /**
   * What {@code status} relies on: every point belongs to a document of the manifest, every entry's
   * chunks are exactly the document's points, and no run is left running.
   */
  static void assertInvariants(CollectionSnapshot s, String where) {
    Map<String, Set<String>> byDocument = new HashMap<>();
    for (Map.Entry<String, String> p : s.pointDocuments().entrySet()) {
      assertTrue(
          s.entries().containsKey(p.getValue()),
          where + ": orphan point " + s.pointLabels().get(p.getKey()));
      byDocument.computeIfAbsent(p.getValue(), d -> new HashSet<>()).add(p.getKey());
    }
    for (Map.Entry<String, List<String>> e : s.entryChunks().entrySet()) {
      Set<String> expected = new HashSet<>();
      List<String> hashes = e.getValue();
      for (int i = 0; i < hashes.size(); i++) {
        expected.add(DocumentIds.pointId(e.getKey(), i, hashes.get(i)));
      }
      assertEquals(
          expected,
          byDocument.getOrDefault(e.getKey(), Set.of()),
          where + ": points of " + s.entryLabels().get(e.getKey()));
    }
    for (RunHistory.Run r : s.runs()) {
      assertNotEquals(RunHistory.RUNNING, r.status(), where + ": run " + r.runId());
    }
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
