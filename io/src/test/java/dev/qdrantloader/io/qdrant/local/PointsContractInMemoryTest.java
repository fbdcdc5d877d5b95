package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class PointsContractInMemoryTest extends PointsContract {
  @Override
  Path dataDir() {
    return null;
  }
}
