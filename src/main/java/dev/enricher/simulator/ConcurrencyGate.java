package dev.enricher.simulator;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's concurrency ceiling: at most {@code permits} requests are served at once, the rest wait in
 * arrival order in a bounded queue, and {@link #submit} refuses when that queue is full (the caller answers 503).
 * Lock-free; any thread may submit or release. A task runs on the thread that admits it (the submitter or a
 * releaser), so tasks must only hand work over to their own event loop.
 */
final class ConcurrencyGate {
    private final int permits;
    private final int capacity;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();

    ConcurrencyGate(int permits, int capacity) {
        this.permits = permits;
        this.capacity = capacity;
    }

    /** Runs {@code task} now or once a permit frees; false (task dropped) when the queue is full. */
    boolean submit(Runnable task) {
        // Only jump ahead when nobody waits, so admission stays first come, first served.
        if (waiting.get() == 0 && tryAcquire()) {
            task.run();
            return true;
        }
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            return false;
        }
        queue.add(task);
        drain(); // a permit may have freed between the failed acquire and the enqueue
        return true;
    }

    /** Gives back the permit of a finished task and admits the next waiting one. */
    void release() {
        active.decrementAndGet();
        drain();
    }

    int waiting() {
        return waiting.get();
    }

    private void drain() {
        while (!queue.isEmpty() && tryAcquire()) {
            Runnable next = queue.poll();
            if (next == null) {
                active.decrementAndGet();
                continue;
            }
            waiting.decrementAndGet();
            next.run();
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int n = active.get();
            if (n >= permits) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
