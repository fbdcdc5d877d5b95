package dev.qdrantloader.io.qdrant.local;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An embedded server that speaks Qdrant's gRPC API ("local mode"): the same client code path serves
 * tests, first runs and small corpora, and a real Qdrant at {@code qdrant.url} in production. Exact
 * (brute-force) search, payload filters as Qdrant has them, and a write-ahead log under a directory
 * (or nothing on disk in memory mode). Not a replacement for a Qdrant cluster: one process, no HNSW
 * index, no sharding or replication.
 *
 * <pre>{@code
 * try (LocalQdrantServer server = LocalQdrantServer.builder().dataDir(dir).port(0).start()) {
 *   QdrantClient client = new QdrantClient(
 *       QdrantGrpcClient.newBuilder(server.host(), server.port(), false).build());
 * }
 * }</pre>
 */
public final class LocalQdrantServer implements AutoCloseable {
  /** 64 MiB: a log smaller than this is never compacted into a snapshot. */
  public static final long DEFAULT_MIN_COMPACT_BYTES = 64L << 20;

  private final Server server;
  private final LocalStorage storage;
  private final String host;
  private final Path dataDir;

  private LocalQdrantServer(Server server, LocalStorage storage, String host, Path dataDir) {
    this.server = server;
    this.storage = storage;
    this.host = host;
    this.dataDir = dataDir;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for a server; every setter validates its value. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 6334;
    private Path dataDir;
    private long minCompactBytes = DEFAULT_MIN_COMPACT_BYTES;

    private Builder() {}

    /** Address to bind; 127.0.0.1 by default, so nothing outside the machine can reach it. */
    public Builder host(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      this.host = host;
      return this;
    }

    /** gRPC port; 0 picks any free port (see {@link LocalQdrantServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Directory that keeps the collections; null (the default) keeps everything in memory. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Size a collection's log must pass before it is compacted into a snapshot. */
    public Builder minCompactBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("minCompactBytes must be positive, got " + bytes);
      }
      this.minCompactBytes = bytes;
      return this;
    }

    /** Loads the data directory (replaying its log) and starts listening. */
    public LocalQdrantServer start() throws IOException {
      if (dataDir != null) {
        Files.createDirectories(dataDir);
      }
      LocalStorage storage = new LocalStorage(dataDir, minCompactBytes);
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
              .maxInboundMessageSize(256 << 20)
              .addService(new HealthService())
              .addService(new CollectionsService(storage))
              .addService(new PointsService(storage))
              .build();
      try {
        server.start();
      } catch (IOException e) {
        storage.close();
        throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
      return new LocalQdrantServer(server, storage, host, dataDir);
    }
  }

  public String host() {
    return host;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return server.getPort();
  }

  /** The data directory, or null in memory mode. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops accepting calls, lets running ones finish, and closes the log files. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    storage.close();
  }

  /**
   * {@code LocalQdrantServer [--host H] [--port N] [--path DIR | --in-memory] [--min-compact-bytes
   * N]}: runs until stopped; prints one line with the address.
   */
  public static void main(String[] args) throws Exception {
    Builder b = builder();
    boolean inMemory = false;
    Path path = Paths.get(".qdrant-local");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--host":
          b.host(value(args, ++i, a));
          break;
        case "--port":
          b.port(parsePort(value(args, ++i, a)));
          break;
        case "--path":
          path = Paths.get(value(args, ++i, a));
          break;
        case "--in-memory":
          inMemory = true;
          break;
        case "--min-compact-bytes":
          b.minCompactBytes(Long.parseLong(value(args, ++i, a)));
          break;
        case "-h":
        case "--help":
          System.out.println(
              "Usage: LocalQdrantServer [--host 127.0.0.1] [--port 6334] [--path DIR | --in-memory]"
                  + " [--min-compact-bytes N]");
          return;
        default:
          System.err.println("Unknown option: " + a + " (try --help)");
          System.exit(2);
          return;
      }
    }
    b.dataDir(inMemory ? null : path.toAbsolutePath());
    LocalQdrantServer server;
    try {
      server = b.start();
    } catch (IOException
        | UncheckedIOException
        | IllegalArgumentException
        | IllegalStateException e) {
      System.err.println("local-qdrant: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "local-qdrant-shutdown"));
    System.out.println(
        String.format(
            Locale.ROOT,
            "Local Qdrant (gRPC) listening on %s:%d, data %s",
            server.host(),
            server.port(),
            inMemory ? "in memory" : server.dataDir()));
    System.out.flush();
    stopped.await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      System.err.println("Option " + option + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  private static int parsePort(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a number, got " + s);
    }
  }
}
