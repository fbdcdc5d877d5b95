package dev.qdrantloader.pipelines.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes workspaces for tests and loads them with an explicit environment. */
final class TestWorkspace {
  private TestWorkspace() {}

  static Path withConfig(Path dir, String yaml) {
    return write(dir, WorkspaceConfig.CONFIG_FILE, yaml);
  }

  static Path withEnvFile(Path dir, String text) {
    return write(dir, WorkspaceConfig.ENV_FILE, text);
  }

  static IngestionConfig load(Path dir, String yaml) {
    return WorkspaceConfig.load(withConfig(dir, yaml), Map.of());
  }

  static ConfigException loadFails(Path dir, String yaml) {
    return loadFails(dir, yaml, Map.of());
  }

  static ConfigException loadFails(Path dir, String yaml, Map<String, String> env) {
    withConfig(dir, yaml);
    return assertThrows(ConfigException.class, () -> WorkspaceConfig.load(dir, env));
  }

  private static Path write(Path dir, String name, String text) {
    try {
      Files.writeString(dir.resolve(name), text);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
