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

  /**
   * @param cpuSeconds user + system CPU time of the process (its last reading before exit)
   */
  record Measured(double wallSeconds, long peakRssBytes, double cpuSeconds, Path log) {}

  static Measured run(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    Path stat = Path.of("/proc", Long.toString(p.pid()), "stat");
    long peakKb = 0;
    long cpuTicks = 0;
    while (p.isAlive()) {
      peakKb = Math.max(peakKb, highWaterKb(status));
      cpuTicks = Math.max(cpuTicks, cpuTicks(stat));
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
    return new Measured(wall, peakKb * 1024, cpuTicks / (double) TICKS_PER_SECOND, log);
  }

  /** Linux's USER_HZ, the unit of the CPU times in /proc/PID/stat, is 100 on every platform. */
  private static final int TICKS_PER_SECOND = 100;

  /** utime + stime (fields 14 and 15 of /proc/PID/stat, counted after the command's name). */
  private static long cpuTicks(Path stat) {
    try {
      String line = Files.readString(stat, StandardCharsets.US_ASCII);
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0; // the process has just exited; the last reading stands
    }
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
