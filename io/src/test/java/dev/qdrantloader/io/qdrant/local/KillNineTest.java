package dev.qdrantloader.io.qdrant.local;

import static dev.qdrantloader.io.qdrant.local.ServerFixture.await;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the server as a separate process, streams acknowledged ({@code wait=true}) writes into it
 * from two clients, kills it with SIGKILL, restarts it on the same directory, and checks that every
 * acknowledged point is there, intact. The log is kept small so kills also land during compaction.
 */
class KillNineTest {
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");
  private static final int DIM = 8;

  @TempDir Path dir;

  /** A server child process and the port it printed. */
  private static final class Child {
    final Process process;
    final int port;

    Child(Process process, int port) {
      this.process = process;
      this.port = port;
    }
  }

  private Child startChild() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                LocalQdrantServer.class.getName(),
                "--port",
                "0",
                "--path",
                dir.toString(),
                "--min-compact-bytes",
                "65536")
            .redirectErrorStream(true);
    Process p = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // keep the pipe from filling up
                    }
                  } catch (java.io.IOException ignored) {
                    // the process is gone
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return new Child(p, Integer.parseInt(m.group(1)));
      }
    }
    throw new AssertionError("server did not start:\n" + seen);
  }

  private static PointStruct point(long id) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) Math.sin(id * 31 + i) + 1.5f;
    }
    return PointStruct.newBuilder()
        .setId(id(id))
        .setVectors(vectors(v))
        .putPayload("id", value(id))
        .putPayload("text", value("point number " + id))
        .build();
  }

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    long[] killAfterMillis = {700, 1500, 2600};
    for (int round = 0; round < killAfterMillis.length; round++) {
      Child child = startChild();
      try (QdrantClient client =
          new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", child.port, false).build())) {
        if (round == 0) {
          await(
              client.createCollectionAsync(
                  "kill",
                  VectorParams.newBuilder().setSize(DIM).setDistance(Distance.Cosine).build()));
        } else {
          verify(client, acknowledged);
        }
        final int r = round;
        List<Thread> writers = new ArrayList<>();
        for (int stream = 0; stream < 2; stream++) {
          final int s = stream;
          Thread t =
              new Thread(
                  () -> {
                    long next = (r * 2L + s) * 10_000_000L;
                    while (true) {
                      List<PointStruct> batch = new ArrayList<>();
                      for (int i = 0; i < 64; i++) {
                        batch.add(point(next + i));
                      }
                      try {
                        client
                            .upsertAsync(
                                UpsertPoints.newBuilder()
                                    .setCollectionName("kill")
                                    .setWait(true)
                                    .addAllPoints(batch)
                                    .build())
                            .get(30, TimeUnit.SECONDS);
                      } catch (Exception e) {
                        return; // the server was killed
                      }
                      for (int i = 0; i < 64; i++) {
                        acknowledged.add(next + i);
                      }
                      next += 64;
                    }
                  });
          t.start();
          writers.add(t);
        }
        Thread.sleep(killAfterMillis[round]);
        child.process.destroyForcibly(); // SIGKILL
        assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
        for (Thread t : writers) {
          t.join(60_000);
        }
      }
    }
    assertTrue(acknowledged.size() > 500, "the writers got going: " + acknowledged.size());
    Child last = startChild();
    try (QdrantClient client =
        new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", last.port, false).build())) {
      verify(client, acknowledged);
    } finally {
      last.process.destroy();
      last.process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Every acknowledged point is present with exactly the payload and vector that was written. */
  private static void verify(QdrantClient client, Set<Long> acknowledged) {
    List<Long> ids = new ArrayList<>(acknowledged);
    for (int from = 0; from < ids.size(); from += 2000) {
      List<PointId> chunk = new ArrayList<>();
      for (Long id : ids.subList(from, Math.min(ids.size(), from + 2000))) {
        chunk.add(id(id));
      }
      List<RetrievedPoint> got = await(client.retrieveAsync("kill", chunk, true, true, null));
      assertEquals(chunk.size(), got.size(), "acknowledged points missing after restart");
      for (RetrievedPoint p : got) {
        long id = p.getId().getNum();
        assertEquals(point(id).getPayloadMap(), p.getPayloadMap());
        assertEquals(DIM, p.getVectors().getVector().getDense().getDataCount());
      }
    }
    long count = await(client.countAsync("kill"));
    assertTrue(
        count >= acknowledged.size(), "count " + count + " < acknowledged " + acknowledged.size());
    // the retrieved vectors are the normalised originals
    RetrievedPoint one =
        await(client.retrieveAsync("kill", List.of(id(ids.get(0))), false, true, null)).get(0);
    float[] expected =
        VectorMath.normalized(
            toArray(point(ids.get(0)).getVectors().getVector().getDense().getDataList()));
    List<Float> actual = one.getVectors().getVector().getDense().getDataList();
    for (int i = 0; i < DIM; i++) {
      assertEquals(expected[i], actual.get(i), 1e-6);
    }
  }

  private static float[] toArray(List<Float> l) {
    float[] out = new float[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }
}
