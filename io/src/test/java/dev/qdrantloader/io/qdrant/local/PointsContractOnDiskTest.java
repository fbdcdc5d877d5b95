package dev.qdrantloader.io.qdrant.local;

import java.nio.file.Path;

class PointsContractOnDiskTest extends PointsContract {
  @Override
  Path dataDir() {
    return tempDir.resolve("data");
  }
}
