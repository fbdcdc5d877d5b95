package dev.qdrantloader.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** What the report writers share: the machine line, medians, and rewriting one marked section. */
final class Reports {
  private Reports() {}

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException ignored) {
      // not Linux: keep the generic name
    }
    long memGiB =
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()
            >> 30;
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %d GiB, %s %s, Java %s",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        memGiB,
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"));
  }

  /**
   * Replaces the section between {@code begin} and {@code end} (markers included in {@code
   * section}), or appends it when the file has none.
   */
  static void writeSection(Path file, String begin, String end, String section) throws IOException {
    String text =
        Files.exists(file)
            ? Files.readString(file, StandardCharsets.UTF_8)
            : "# Benchmarks\n\nEvery figure here was produced by a command anyone can rerun; the"
                + " command is given with each section.\n\n";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b >= 0 && e > b) {
      int after = e + end.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      text = text.substring(0, b) + section + text.substring(after);
    } else {
      text = text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
