package dev.qdrantloader.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qdrantloader.io.qdrant.PointPayloads;
import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dumps the chunk texts of a collection an ingest wrote in local mode (one JSON string per line,
 * ordered by point id), so the limit scenario embeds exactly the chunks of the cold run.
 *
 * <p>{@code ChunkDump --qdrant-path DIR --collection NAME --out FILE}
 */
public final class ChunkDump {
  private ChunkDump() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args, "--qdrant-path", "--collection", "--out");
    Map<String, String> texts = new TreeMap<>();
    try (LocalQdrantServer server =
        LocalQdrantServer.builder().port(0).dataDir(Path.of(a.get("--qdrant-path"))).start()) {
      QdrantConnection connection = QdrantConnection.of(server.host(), server.port(), false, null);
      QdrantClient client = connection.client();
      PointId offset = null;
      do {
        ScrollPoints.Builder scroll =
            ScrollPoints.newBuilder()
                .setCollectionName(a.get("--collection"))
                .setLimit(1_000)
                .setWithPayload(WithPayloadSelectorFactory.include(List.of(PointPayloads.CONTENT)));
        if (offset != null) {
          scroll.setOffset(offset);
        }
        ScrollResponse page = client.scrollAsync(scroll.build()).get();
        for (RetrievedPoint p : page.getResultList()) {
          texts.put(
              p.getId().getUuid(), p.getPayloadMap().get(PointPayloads.CONTENT).getStringValue());
        }
        offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
      } while (offset != null);
      connection.closeClient();
    }
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter out =
        Files.newBufferedWriter(Path.of(a.get("--out")), StandardCharsets.UTF_8)) {
      for (String text : texts.values()) {
        out.write(json.writeValueAsString(text));
        out.write('\n');
      }
    }
    System.out.println("chunk dump: " + texts.size() + " chunk texts -> " + a.get("--out"));
  }
}
