package dev.qdrantloader.io.qdrant;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a Qdrant is and how to reach it over gRPC: a serializable value, so DoFns carry it and get
 * a client shared by every DoFn in the JVM ({@link #client()}). {@code toString} never shows the
 * API key.
 */
public final class QdrantConnection implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Qdrant's gRPC port; the REST port 6333 in a URL is mapped to it. */
  public static final int GRPC_PORT = 6334;

  private static final Map<QdrantConnection, QdrantClient> CLIENTS = new ConcurrentHashMap<>();

  private final String host;
  private final int port;
  private final boolean tls;
  private final String apiKey;

  private QdrantConnection(String host, int port, boolean tls, String apiKey) {
    this.host = host;
    this.port = port;
    this.tls = tls;
    this.apiKey = apiKey;
  }

  public static QdrantConnection of(String host, int port, boolean tls, String apiKey) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("Qdrant host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Qdrant port must be between 1 and 65535, got " + port);
    }
    return new QdrantConnection(
        host, port, tls, apiKey == null || apiKey.isEmpty() ? null : apiKey);
  }

  /**
   * Parses {@code http://host:port}, {@code https://host}, or {@code host:port}. No port means
   * 6334; port 6333 (Qdrant's REST port, common in configurations) means the gRPC port 6334.
   */
  public static QdrantConnection fromUrl(String url, String apiKey) {
    String u = url.trim();
    String shown = redact(u);
    if (!u.contains("://")) {
      u = "http://" + u;
    }
    URI uri;
    try {
      uri = URI.create(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid Qdrant URL: " + shown, e);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("grpc")) {
      throw new IllegalArgumentException(
          "Qdrant URL must start with http://, https:// or grpc://, got " + shown);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("Qdrant URL has no host: " + shown);
    }
    int port = uri.getPort() < 0 || uri.getPort() == 6333 ? GRPC_PORT : uri.getPort();
    return of(uri.getHost(), port, scheme.equals("https"), apiKey);
  }

  /** A URL fit to print: user info and query (where keys tend to hide) replaced by "****". */
  static String redact(String url) {
    String s = url.replaceAll("(://)[^/@]*@", "$1****@");
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q) + "?****";
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The client for this connection, created once per JVM and shared (it is thread-safe). */
  public QdrantClient client() {
    return CLIENTS.computeIfAbsent(this, QdrantConnection::newClient);
  }

  private QdrantClient newClient() {
    // The client's own version check reads its jar manifest, which a shaded jar does not keep, and
    // then warns on every start; callers check reachability themselves (see ping()).
    QdrantGrpcClient.Builder b =
        QdrantGrpcClient.newBuilder(host, port, tls, false).withTimeout(Duration.ofMinutes(2));
    if (apiKey != null) {
      b.withApiKey(apiKey);
    }
    return new QdrantClient(b.build());
  }

  /**
   * Asks the server for its health check and returns its version; throws with a message naming the
   * address when it cannot be reached.
   */
  public String ping() {
    try {
      return client()
          .healthCheckAsync()
          .get(30, java.util.concurrent.TimeUnit.SECONDS)
          .getVersion();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot reach Qdrant at " + this + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while contacting Qdrant at " + this, e);
    }
  }

  /** Closes and forgets the shared client (used when the CLI stops an embedded server). */
  public void closeClient() {
    QdrantClient c = CLIENTS.remove(this);
    if (c != null) {
      c.close();
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof QdrantConnection)) {
      return false;
    }
    QdrantConnection c = (QdrantConnection) o;
    return c.host.equals(host)
        && c.port == port
        && c.tls == tls
        && Objects.equals(c.apiKey, apiKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, tls, apiKey);
  }

  @Override
  public String toString() {
    return (tls ? "https://" : "http://")
        + host
        + ":"
        + port
        + (apiKey == null ? "" : " (api key set)");
  }
}
