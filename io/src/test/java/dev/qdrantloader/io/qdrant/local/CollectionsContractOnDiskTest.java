package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class CollectionsContractOnDiskTest extends CollectionsContract {
  @Override
  Path dataDir() {
    return tempDir.resolve("data");
  }
}
