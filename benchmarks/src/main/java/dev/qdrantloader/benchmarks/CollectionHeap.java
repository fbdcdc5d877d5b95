package dev.qdrantloader.benchmarks;

import dev.qdrantloader.io.qdrant.local.LocalQdrantServer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much Java heap the embedded (local-mode) Qdrant server needs to hold a collection: heap in
 * use after full GCs with the server started on a data directory, minus before. Local mode keeps
 * every point in memory, so this part of an ingest's heap grows with the corpus by design.
 *
 * <p>{@code CollectionHeap DATA_DIR} prints the figure in bytes.
 */
public final class CollectionHeap {
  private CollectionHeap() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: CollectionHeap <local-mode data directory>");
      System.exit(2);
    }
    long before = settledHeap();
    try (LocalQdrantServer server =
        LocalQdrantServer.builder().port(0).dataDir(Path.of(args[0])).start()) {
      long after = settledHeap();
      System.out.println(after - before);
      System.err.printf(
          Locale.ROOT,
          "the collection(s) under %s take %.1f MiB of heap%n",
          args[0],
          (after - before) / 1048576.0);
    }
  }

  private static long settledHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
