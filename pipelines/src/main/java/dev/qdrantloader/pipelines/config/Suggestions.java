package dev.qdrantloader.pipelines.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and names, by edit distance. */
final class Suggestions {
  private Suggestions() {}

  /** The known word closest to {@code word}, if it is close enough to be a likely typo. */
  static Optional<String> closest(String word, Collection<String> known) {
    String w = word.toLowerCase(Locale.ROOT);
    // Up to one edit per three characters, at most three: close enough to be a typo.
    int limit = Math.max(1, Math.min(3, w.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(w, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean `x`?"}, or empty when nothing is close. */
  static String didYouMean(String word, Collection<String> known) {
    return closest(word, known).map(s -> "; did you mean `" + s + "`?").orElse("");
  }

  /** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
