package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static dev.qdrantloader.io.qdrant.local.ServerFixture.failure;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the contract suites: each runs against an in-memory server and against a persistent one,
 * always through the official {@link QdrantClient}.
 */
abstract class QdrantContract {
  @TempDir Path tempDir;
  ServerFixture fixture;
  QdrantClient client;

  /** Null for the in-memory server, a directory for the persistent one. */
  abstract Path dataDir();

  @BeforeEach
  void startServer() throws Exception {
    fixture = ServerFixture.start(dataDir());
    client = fixture.client;
  }

  @AfterEach
  void stopServer() {
    if (fixture != null) {
      fixture.close();
    }
  }

  void createCollection(String name, int size, Distance distance) {
    await(
        client.createCollectionAsync(
            name, VectorParams.newBuilder().setSize(size).setDistance(distance).build()));
  }

  static PointStruct point(long id, Map<String, Value> payload, float... vector) {
    return PointStruct.newBuilder()
        .setId(id(id))
        .setVectors(vectors(vector))
        .putAllPayload(payload)
        .build();
  }

  static PointStruct point(PointId id, Map<String, Value> payload, float... vector) {
    return PointStruct.newBuilder()
        .setId(id)
        .setVectors(vectors(vector))
        .putAllPayload(payload)
        .build();
  }

  void upsert(String collection, PointStruct... points) {
    await(client.upsertAsync(collection, List.of(points)));
  }

  static List<Long> ids(List<?> points) {
    List<Long> out = new ArrayList<>();
    for (Object p : points) {
      PointId id =
          p instanceof ScoredPoint ? ((ScoredPoint) p).getId() : ((RetrievedPoint) p).getId();
      out.add(id.getNum());
    }
    return out;
  }

  static Map<String, Value> payload(Object... kv) {
    Map<String, Value> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      Value value;
      if (v instanceof Value) {
        value = (Value) v;
      } else if (v instanceof String) {
        value = value((String) v);
      } else if (v instanceof Integer || v instanceof Long) {
        value = value(((Number) v).longValue());
      } else if (v instanceof Double) {
        value = value((Double) v);
      } else if (v instanceof Boolean) {
        value = value((Boolean) v);
      } else {
        throw new IllegalArgumentException(String.valueOf(v));
      }
      m.put((String) kv[i], value);
    }
    return m;
  }

  static Value list(Object... items) {
    return io.qdrant.client.ValueFactory.list(
        java.util.Arrays.stream(items)
            .map(o -> payload("x", o).get("x"))
            .collect(Collectors.toList()));
  }

  static Value obj(Object... kv) {
    return value(payload(kv));
  }

  static void assertIds(List<Long> expected, List<?> points) {
    assertEquals(expected, ids(points));
  }

  static void assertUnorderedIds(List<Long> expected, List<?> points) {
    assertEquals(
        expected.stream().sorted().collect(Collectors.toList()),
        ids(points).stream().sorted().collect(Collectors.toList()));
  }

  static void assertFails(io.grpc.Status.Code code, String messagePart, Runnable call) {
    io.grpc.Status s = failure(call);
    assertEquals(code, s.getCode(), "status of " + s);
    assertTrue(
        s.getDescription() != null && s.getDescription().contains(messagePart),
        "message '" + s.getDescription() + "' should contain '" + messagePart + "'");
  }

  static void check(boolean condition, String what) {
    assertTrue(condition, what);
  }

  static void checkNot(boolean condition, String what) {
    assertFalse(condition, what);
  }
}
