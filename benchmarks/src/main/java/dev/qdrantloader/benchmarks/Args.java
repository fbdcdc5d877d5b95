package dev.qdrantloader.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** "--key value" arguments of the benchmark mains; unknown or missing keys are errors. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args, String... required) {
    return parse(args, Set.of(required), Set.of());
  }

  static Map<String, String> parse(String[] args, Set<String> required, Set<String> optional) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (!required.contains(key) && !optional.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option "
                + key
                + " (expected "
                + required
                + " and optionally "
                + optional
                + ")");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(key + " needs a value");
      }
      out.put(key, args[++i]);
    }
    for (String key : required) {
      if (!out.containsKey(key)) {
        throw new IllegalArgumentException("missing " + key + " VALUE");
      }
    }
    return out;
  }
}
