package dev.enricher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap and some gauges every {@code periodMillis} on a daemon thread: the peak of used heap
 * (MemoryMXBean, garbage included: what the JVM had to hold), from GC notifications the peak of heap left after a
 * collection (closer to the live set), and the mean of each gauge. The heap is the whole process's: broker,
 * simulator, pipeline and load generator.
 *
 * <p>Thread-safe; {@link #close} stops the sampler and removes the GC listeners.
 */
final class RunSampler implements AutoCloseable {
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final java.util.function.IntSupplier[] gauges;
    private final long[] gaugeSums;
    private long samples;
    private final Thread thread;
    private volatile boolean running = true;
    private final javax.management.NotificationListener listener;
    private final List<javax.management.NotificationEmitter> emitters = new java.util.ArrayList<>();

    private RunSampler(long periodMillis, java.util.function.IntSupplier... gauges) {
        this.gauges = gauges.clone();
        this.gaugeSums = new long[gauges.length];
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(periodMillis); // a sampling period, not a wait for a condition
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        thread.setDaemon(true);
        java.util.Set<String> heapNames = new java.util.HashSet<>();
        heapPools.forEach(p -> heapNames.add(p.getName()));
        listener = (notification, handback) -> {
            if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                    .equals(notification.getType())) {
                return;
            }
            var info = com.sun.management.GarbageCollectionNotificationInfo
                    .from((javax.management.openmbean.CompositeData) notification.getUserData());
            long after = 0;
            for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                if (heapNames.contains(e.getKey())) {
                    after += e.getValue().getUsed();
                }
            }
            peakAfterGc.accumulateAndGet(after, Math::max);
        };
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(listener, null, null);
                emitters.add((javax.management.NotificationEmitter) gc);
            }
        }
    }

    static RunSampler start(long periodMillis, java.util.function.IntSupplier... gauges) {
        RunSampler s = new RunSampler(periodMillis, gauges);
        s.thread.start();
        return s;
    }

    private synchronized void sample() {
        peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        for (int i = 0; i < gauges.length; i++) {
            gaugeSums[i] += gauges[i].getAsInt();
        }
        samples++;
    }

    /** Forgets the peaks and means so far (after a warm-up). */
    synchronized void reset() {
        peakUsed.set(0);
        peakAfterGc.set(0);
        java.util.Arrays.fill(gaugeSums, 0);
        samples = 0;
    }

    /** Mean of gauge {@code i} (in the order given to {@link #start}) since the start or the last reset. */
    synchronized double mean(int i) {
        return samples == 0 ? Double.NaN : (double) gaugeSums[i] / samples;
    }

    long peakUsedMb() {
        return peakUsed.get() >> 20;
    }

    long peakAfterGcMb() {
        return peakAfterGc.get() >> 20;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        for (javax.management.NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // never added
            }
        }
    }
}
