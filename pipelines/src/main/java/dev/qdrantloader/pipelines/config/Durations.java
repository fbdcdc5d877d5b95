package dev.qdrantloader.pipelines.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in YAML: seconds as a number ({@code 300}, {@code 0.5}), units
 * ({@code 30s}, {@code 5m}, {@code 1h30m}, {@code 250ms}) or ISO-8601 ({@code PT5M}).
 */
final class Durations {
  private Durations() {}

  private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");
  private static final Pattern UNITS = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is accepted. */
  static Duration parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (SECONDS.matcher(s).matches()) {
      return millis(new BigDecimal(s), 1000);
    }
    if (UNITS.matcher(s).matches()) {
      Duration total = Duration.ZERO;
      Matcher m = PART.matcher(s);
      while (m.find()) {
        total = total.plus(millis(new BigDecimal(m.group(1)), unitMillis(m.group(2))));
      }
      return total;
    }
    if (s.startsWith("p")) {
      try {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        // Falls through to the common message.
      }
    }
    throw new IllegalArgumentException(
        "expected a duration such as 300 (seconds), \"30s\", \"5m\", \"1h30m\" or \"PT5M\", got `"
            + text
            + "`");
  }

  /** Whole seconds as a number, anything finer as milliseconds: the form {@link #parse} reads. */
  static Object format(Duration d) {
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds();
    }
    return d.toMillis() + "ms";
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1;
      case "s" -> 1000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      default -> 86_400_000;
    };
  }

  private static Duration millis(BigDecimal amount, long unitMillis) {
    try {
      return Duration.ofMillis(
          amount
              .multiply(BigDecimal.valueOf(unitMillis))
              .setScale(0, RoundingMode.HALF_UP)
              .longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration too long: " + amount, e);
    }
  }
}
