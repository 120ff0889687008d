package dev.enricher.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.Set;

/**
 * The CPU time a process has used up to one moment, and that moment's wall time ({@link System#nanoTime}); the
 * {@link #minus difference} of two snapshots is what the process used between them.
 *
 * <p>Of this JVM ({@link #ofThisProcess}) also the split by threads: Java threads through {@link ThreadMXBean}
 * (event loops in a given set against the other event loops), and the GC and JIT compiler threads, which
 * ThreadMXBean does not list, from {@code /proc/self/task} on Linux (elsewhere 0). Of another process
 * ({@link #of}) only its total, which the operating system tells ({@code /proc/PID/stat} on Linux), or -1 where it
 * does not.
 *
 * @param wallNanos      {@link System#nanoTime} when taken (of a difference: the wall time between the two)
 * @param processNanos   user + system CPU time of the whole process; -1 when unknown
 * @param ownLoopNanos   of Vert.x event-loop threads whose ids were given
 * @param otherLoopNanos of the other Vert.x event-loop threads
 * @param gcNanos        of GC and VM threads
 * @param jitNanos       of the C1 and C2 compiler threads
 * @param gcCount        collections
 * @param gcMillis       time the collectors report
 */
record CpuSnapshot(long wallNanos, long processNanos, long ownLoopNanos, long otherLoopNanos, long gcNanos,
                   long jitNanos, long gcCount, long gcMillis) {
    /** USER_HZ is 100 on Linux: /proc counts CPU time in ticks of 10 ms. */
    private static final long TICK_NANOS = 10_000_000L;

    /** This JVM, with no event loop counted as its own. */
    static CpuSnapshot ofThisProcess() {
        return ofThisProcess(Set.of());
    }

    /**
     * This JVM.
     *
     * @param ownLoops ids of the event-loop threads to count apart (e.g. a client's, against a server's); may be
     *                 a concurrent set that grows meanwhile
     */
    static CpuSnapshot ofThisProcess(Set<Long> ownLoops) {
        long wall = System.nanoTime();
        long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long own = 0;
        long other = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !info.getThreadName().startsWith("vert.x-eventloop")) {
                continue;
            }
            long t = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            if (ownLoops.contains(info.getThreadId())) {
                own += t;
            } else {
                other += t;
            }
        }
        long[] gcAndJit = gcAndJitNanos("/proc/self/task");
        long gc = gcAndJit == null ? 0 : gcAndJit[0];
        long jit = gcAndJit == null ? 0 : gcAndJit[1];
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gcBean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gcBean.getCollectionCount());
            millis += Math.max(0, gcBean.getCollectionTime());
        }
        return new CpuSnapshot(wall, process, own, other, gc, jit, count, millis);
    }

    /**
     * CPU time so far of the garbage collector's and VM threads, and of the JIT compiler's (C1, C2), of the process
     * whose {@code /proc/PID/task} directory is {@code taskDir}; null where there is none (not Linux).
     */
    static long[] gcAndJitNanos(String taskDir) {
        File[] tasks = new File(taskDir).listFiles();
        if (tasks == null) {
            return null;
        }
        long gc = 0;
        long jit = 0;
        for (File task : tasks) {
            try {
                String stat = Files.readString(task.toPath().resolve("stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
                if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
                    gc += nanos;
                } else if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) {
                    jit += nanos;
                }
            } catch (IOException | RuntimeException ignored) {
                // the thread ended meanwhile
            }
        }
        return new long[] {gc, jit};
    }

    /** Another process, e.g. a child JVM: its total CPU time only, -1 where the operating system does not tell. */
    static CpuSnapshot of(ProcessHandle process) {
        long wall = System.nanoTime();
        long cpu = process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
        return new CpuSnapshot(wall, cpu, 0, 0, 0, 0, 0, 0);
    }

    boolean knowsProcessCpu() {
        return processNanos >= 0;
    }

    /** What was used from {@code earlier} to this one; the process CPU is unknown (-1) when either does not know it. */
    CpuSnapshot minus(CpuSnapshot earlier) {
        return new CpuSnapshot(wallNanos - earlier.wallNanos,
                knowsProcessCpu() && earlier.knowsProcessCpu() ? processNanos - earlier.processNanos : -1,
                ownLoopNanos - earlier.ownLoopNanos, otherLoopNanos - earlier.otherLoopNanos, gcNanos - earlier.gcNanos,
                jitNanos - earlier.jitNanos, gcCount - earlier.gcCount, gcMillis - earlier.gcMillis);
    }
}
