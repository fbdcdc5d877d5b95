package dev.qdrantloader.io.embedding.cache;

import java.io.IOException;
import org.h2.mvstore.MVStore;

/**
 * Run in a child JVM by {@link MvStoreVectorCacheTest}: holds an MVStore file open (and so locked)
 * until its standard input closes, as another qdrant-loader run on the same workspace would.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws IOException {
    MVStore store = new MVStore.Builder().fileName(args[0]).open();
    System.out.println("locked");
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the parent to close our input
    }
    store.close();
  }
}
