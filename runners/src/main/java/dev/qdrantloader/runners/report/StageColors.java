package dev.qdrantloader.runners.report;

import java.util.List;
import java.util.Map;

/**
 * One colour per stage name, the same in every report, so that "embed is green" holds from one run
 * to the next. The pipeline's stages have fixed colours; any other name gets one from its hash.
 */
final class StageColors {
  private StageColors() {}

  // Tableau 10 without its grey (which would read as a grid line).
  private static final Map<String, String> KNOWN =
      Map.of(
          "read", "#4e79a7",
          "diff", "#f28e2b",
          "convert", "#e15759",
          "chunk", "#76b7b2",
          "embed", "#59a14f",
          "write", "#edc948",
          "commit", "#b07aa1",
          "delete", "#ff9da7",
          "sweep", "#9c755f");

  private static final List<String> OTHERS =
      List.of("#17becf", "#bcbd22", "#1f3b73", "#8c564b", "#7f7f00", "#d62790", "#2ca02c");

  /** CPU and heap in the resources chart. */
  static final String CPU = "#4e79a7";

  static final String HEAP = "#e15759";

  /** The stage's colour as {@code #rrggbb}. */
  static String of(String stage) {
    String known = KNOWN.get(stage);
    return known != null ? known : OTHERS.get(Math.floorMod(stage.hashCode(), OTHERS.size()));
  }
}
