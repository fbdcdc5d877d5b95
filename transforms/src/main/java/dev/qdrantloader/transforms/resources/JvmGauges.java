package dev.qdrantloader.transforms.resources;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readings of this JVM through its management beans.
 *
 * <p>Heap: the heap pools as the latest garbage collection (of any collector) left them. The heap
 * in use right now is a sawtooth of short-lived garbage that a healthy run drives near the maximum
 * before every young collection; what survives a collection is the data the JVM actually holds, and
 * under real pressure collections come often, so it is fresh exactly when it matters. The pools'
 * own "collection usage" does not serve: G1 (the default collector) leaves its old generation's at
 * 0 after young collections. Before the first collection the heap in use is taken, which cannot be
 * near the maximum then (the young generation is only part of the heap).
 *
 * <p>CPU: the process's CPU time over the wall time since the previous reading, divided by the
 * cores, computed here rather than with {@code getProcessCpuLoad}, whose window is whatever elapsed
 * since any caller in the JVM last asked. The first reading is 0.
 */
final class JvmGauges implements ResourceMonitor.Gauges {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<com.sun.management.GarbageCollectorMXBean> collectors = new ArrayList<>();
  private final Set<String> heapPools = new HashSet<>();

  /** Null on a JVM without the com.sun.management extension: then CPU reads as 0. */
  private final com.sun.management.OperatingSystemMXBean os;

  private long lastCpuNanos = -1;
  private long lastWallNanos;

  JvmGauges() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean extended) {
        collectors.add(extended);
      }
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
    os = system instanceof com.sun.management.OperatingSystemMXBean extended ? extended : null;
  }

  @Override
  public synchronized ResourceMonitor.Reading read() {
    MemoryUsage heap = memory.getHeapMemoryUsage();
    long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    long afterGc = usedAfterLatestGc();
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    return new ResourceMonitor.Reading(
        afterGc >= 0 ? afterGc : heap.getUsed(), max, afterGc >= 0, cpu(cores), cores);
  }

  /** Heap in use as the latest collection left it; -1 before the first one. */
  private long usedAfterLatestGc() {
    GcInfo latest = null;
    for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
      GcInfo info = gc.getLastGcInfo();
      if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
        latest = info;
      }
    }
    if (latest == null) {
      return -1;
    }
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    return used;
  }

  private double cpu(int cores) {
    long wall = System.nanoTime();
    long cpu = os == null ? -1 : os.getProcessCpuTime();
    double fraction = 0;
    if (cpu >= 0 && lastCpuNanos >= 0 && wall > lastWallNanos) {
      fraction = (cpu - lastCpuNanos) / ((double) (wall - lastWallNanos) * cores);
    }
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return Math.max(0, Math.min(1, fraction));
  }
}
