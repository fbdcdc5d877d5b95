package dev.qdrantloader.runners.cli;

/** A problem the user can fix (configuration, usage, environment): message printed, exit 2. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
