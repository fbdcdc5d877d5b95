package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class FilterContractInMemoryTest extends FilterContract {
  @Override
  Path dataDir() {
    return null;
  }
}
