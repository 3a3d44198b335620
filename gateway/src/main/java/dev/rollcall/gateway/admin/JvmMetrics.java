package dev.rollcall.gateway.admin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The JVM's basics from its management beans: heap and non-heap memory, collections and their
 * time per collector, threads, and the process's CPU time and open files where the platform tells
 * them. Read at each scrape on the admin thread; the beans are looked up once.
 */
final class JvmMetrics
{
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    void writeTo(final PrometheusText text)
    {
        final MemoryUsage heap = memory.getHeapMemoryUsage();
        final MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        text.family("rollcall_jvm_memory_used_bytes", "gauge", "Memory the JVM uses now, by area (heap, nonheap).")
            .sample("rollcall_jvm_memory_used_bytes", "area", "heap", heap.getUsed())
            .sample("rollcall_jvm_memory_used_bytes", "area", "nonheap", nonHeap.getUsed());
        text.family("rollcall_jvm_memory_committed_bytes", "gauge",
                "Memory the operating system has committed to the JVM, by area (heap, nonheap).")
            .sample("rollcall_jvm_memory_committed_bytes", "area", "heap", heap.getCommitted())
            .sample("rollcall_jvm_memory_committed_bytes", "area", "nonheap", nonHeap.getCommitted());
        text.family("rollcall_jvm_memory_max_bytes", "gauge",
            "Memory the JVM may use at most, by area (heap, nonheap); -1 when unbounded.")
            .sample("rollcall_jvm_memory_max_bytes", "area", "heap", heap.getMax())
            .sample("rollcall_jvm_memory_max_bytes", "area", "nonheap", nonHeap.getMax());

        text.family("rollcall_jvm_gc_collections_total", "counter", "Garbage collections, by collector.");
        for (final GarbageCollectorMXBean collector : collectors)
        {
            text.sample("rollcall_jvm_gc_collections_total", "gc", collector.getName(),
                Math.max(0, collector.getCollectionCount()));
        }
        text.family("rollcall_jvm_gc_collection_seconds_total", "counter",
            "Time spent in garbage collections, by collector (the collector's accumulated collection time: " +
            "the pauses for a stop-the-world collector).");
        for (final GarbageCollectorMXBean collector : collectors)
        {
            text.sample("rollcall_jvm_gc_collection_seconds_total", "gc", collector.getName(),
                Math.max(0, collector.getCollectionTime()) / 1000.0);
        }

        text.family("rollcall_jvm_threads_live", "gauge", "Live JVM threads, daemon or not.")
            .sample("rollcall_jvm_threads_live", threads.getThreadCount());
        text.family("rollcall_jvm_threads_daemon", "gauge", "Live JVM daemon threads.")
            .sample("rollcall_jvm_threads_daemon", threads.getDaemonThreadCount());

        if (os instanceof com.sun.management.OperatingSystemMXBean process)
        {
            final long cpuNanos = process.getProcessCpuTime();
            if (cpuNanos >= 0)
            {
                text.family("rollcall_process_cpu_seconds_total", "counter", "CPU time the process used, user and system.")
                    .sample("rollcall_process_cpu_seconds_total", cpuNanos / 1e9);
            }
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix)
        {
            text.family("rollcall_process_open_fds", "gauge", "File descriptors the process holds open (sockets included).")
                .sample("rollcall_process_open_fds", unix.getOpenFileDescriptorCount());
            text.family("rollcall_process_max_fds", "gauge", "File descriptors the process may hold open at most.")
                .sample("rollcall_process_max_fds", unix.getMaxFileDescriptorCount());
        }
    }
}
