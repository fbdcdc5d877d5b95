package dev.qdrantloader.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one scenario in a fresh JVM and measures it from outside: wall time from start to exit, and
 * peak resident memory (the kernel's high-water mark, {@code VmHWM}, read while the process runs).
 */
final class ProcessProbe {
  private ProcessProbe() {}

  record Measured(double wallSeconds, long peakRssBytes, Path log) {}

  static Measured run(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    long peakKb = 0;
    while (p.isAlive()) {
      peakKb = Math.max(peakKb, highWaterKb(status));
      Thread.sleep(20);
    }
    int exit = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    if (exit != 0) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      throw new IllegalStateException(
          "exit status "
              + exit
              + " from "
              + String.join(" ", command)
              + "; log "
              + log
              + ":\n"
              + tail);
    }
    if (peakKb == 0) {
      throw new IllegalStateException(
          "could not read the peak memory of "
              + command.get(0)
              + " from "
              + status
              + " (Linux only)");
    }
    return new Measured(wall, peakKb * 1024, log);
  }

  private static long highWaterKb(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process has just exited; the last reading stands
    }
    return 0;
  }
}
