package dev.qdrantloader.runners.cli;

import java.nio.file.Path;

/** Where the loader keeps its own files in a workspace. */
final class Workspaces {
  private Workspaces() {}

  /** {@code <workspace>/.qdrant-loader}: embedded Qdrant data and run files. */
  static Path stateDir(Path workspace) {
    return workspace.resolve(".qdrant-loader");
  }
}
