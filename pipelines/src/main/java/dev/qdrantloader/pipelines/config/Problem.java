package dev.qdrantloader.pipelines.config;

/**
 * One thing wrong with a configuration file, at a 1-based line (and column), 0 when unknown.
 *
 * @param text what is wrong, naming the key path where one applies
 */
record Problem(int line, int column, String text) {

  @Override
  public String toString() {
    if (line <= 0) {
      return text;
    }
    return "line " + line + (column > 0 ? ", column " + column : "") + ": " + text;
  }
}
