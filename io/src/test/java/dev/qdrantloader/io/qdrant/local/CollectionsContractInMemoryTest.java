package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class CollectionsContractInMemoryTest extends CollectionsContract {
  @Override
  Path dataDir() {
    return null;
  }
}
