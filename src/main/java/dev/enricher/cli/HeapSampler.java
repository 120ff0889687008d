package dev.enricher.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap every {@code periodMillis} on a daemon thread: the peak of used heap (MemoryMXBean, garbage
 * included: what the JVM had to hold), and, from GC notifications, the peak of heap left after a collection
 * (closer to the live set). The whole process is measured: broker, simulator, pipeline and load generator.
 *
 * <p>Thread-safe; {@link #close} stops the sampler and removes the GC listeners.
 */
final class HeapSampler implements AutoCloseable {
    private final AtomicLong peakUsed = new AtomicLong();
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private final javax.management.NotificationListener listener;
    private final List<javax.management.NotificationEmitter> emitters = new java.util.ArrayList<>();

    private HeapSampler(long periodMillis) {
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

    static HeapSampler start(long periodMillis) {
        HeapSampler s = new HeapSampler(periodMillis);
        s.thread.start();
        return s;
    }

    private void sample() {
        peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
    }

    /** Forgets the peaks so far (after a warm-up). */
    void reset() {
        peakUsed.set(0);
        peakAfterGc.set(0);
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
