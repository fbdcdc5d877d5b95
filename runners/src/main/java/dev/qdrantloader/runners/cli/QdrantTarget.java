package dev.qdrantloader.runners.cli;

import dev.qdrantloader.io.qdrant.QdrantConnection;
import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import dev.qdrantloader.pipelines.config.IngestionConfig;
import io.qdrant.client.QdrantClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The Qdrant a command talks to: the one at {@code global.qdrant.url}, or (local mode, the default)
 * an embedded server started for the command with its data under {@code
 * <workspace>/.qdrant-loader/qdrant/} and stopped after.
 */
public final class QdrantTarget implements AutoCloseable {
  private final LocalQdrantServer embedded;
  private final QdrantConnection connection;
  private final String description;

  private QdrantTarget(
      LocalQdrantServer embedded, QdrantConnection connection, String description) {
    this.embedded = embedded;
    this.connection = connection;
    this.description = description;
  }

  public static QdrantTarget open(IngestionConfig config) {
    if (config.qdrant().isLocal()) {
      Path dir = Workspaces.stateDir(config.workspace()).resolve("qdrant");
      LocalQdrantServer server;
      try {
        server = LocalQdrantServer.builder().port(0).dataDir(dir).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the embedded Qdrant: " + e.getMessage(), e);
      } catch (IllegalStateException e) {
        String hint =
            e.getMessage() != null && e.getMessage().contains("is in use")
                ? " (is another qdrant-loader command running on this workspace?)"
                : "";
        throw new CliException("cannot start the embedded Qdrant: " + e.getMessage() + hint);
      }
      return new QdrantTarget(
          server,
          QdrantConnection.of(server.host(), server.port(), false, null),
          "local mode, data in " + config.workspace().relativize(dir));
    }
    QdrantConnection c;
    try {
      c = QdrantConnection.fromUrl(config.qdrant().url(), config.qdrant().apiKey());
    } catch (IllegalArgumentException e) {
      throw new CliException("global.qdrant.url: " + e.getMessage());
    }
    try {
      c.ping();
    } catch (IllegalStateException e) {
      throw new CliException(e.getMessage() + " (global.qdrant.url)");
    }
    return new QdrantTarget(null, c, c.toString());
  }

  public QdrantConnection connection() {
    return connection;
  }

  public QdrantClient client() {
    return connection.client();
  }

  public String description() {
    return description;
  }

  @Override
  public void close() {
    if (embedded != null) {
      connection.closeClient();
      embedded.close();
    }
  }
}
