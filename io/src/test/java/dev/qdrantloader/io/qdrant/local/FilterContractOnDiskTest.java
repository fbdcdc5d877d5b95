package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class FilterContractOnDiskTest extends FilterContract {
  @Override
  Path dataDir() {
    return tempDir.resolve("data");
  }
}
