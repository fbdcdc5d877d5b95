package dev.qdrantloader.pipelines.config;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} substitution in configuration strings. {@code $${} writes a literal {@code ${}.
 * Substituted values are not expanded again, so a secret containing {@code ${} stays intact.
 */
final class Interpolation {
  private Interpolation() {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

  /**
   * Replaces every {@code ${VAR}} in {@code text} with {@code lookup.apply(VAR)}; throws {@link
   * IllegalArgumentException} naming the variable when the lookup returns null.
   */
  static String resolve(String text, Function<String, String> lookup) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        sb.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated `${` (write `$${` for a literal `${`)");
        }
        String name = text.substring(i + 2, end);
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "`${" + name + "}` is not a variable name (write `$${` for a literal `${`)");
        }
        String value = lookup.apply(name);
        if (value == null) {
          throw new IllegalArgumentException("unresolved variable ${" + name + "}");
        }
        sb.append(value);
        i = end + 1;
      } else {
        sb.append(text.charAt(i++));
      }
    }
    return sb.toString();
  }
}
