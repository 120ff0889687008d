package dev.enricher.engine;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One processor incarnation's connection to the {@link Dispatcher}: its calls waiting for a slot, and its finished
 * calls waiting for the stream thread. A processor that closes (rebalance, crash recovery, shutdown) closes its lane:
 * its waiting calls are dropped and answers still on the wire are dropped when they arrive, because the task that
 * asked no longer owns the events (its successor re-sends them from the restored store).
 */
final class Lane {
    final ConcurrentLinkedDeque<Call> calls = new ConcurrentLinkedDeque<>();
    final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    /** True while the lane is in the dispatcher's round-robin ring. */
    final AtomicBoolean scheduled = new AtomicBoolean();
    private final String name;
    private volatile boolean closed;
    /** The stream thread, while it waits for capacity in {@code process()}: woken by each completion. */
    volatile Thread waiter;

    Lane(String name) {
        this.name = name;
    }

    /** Client thread: hands a finished call to the stream thread. Returns false when the lane is closed. */
    boolean deliver(Completion c) {
        if (closed) {
            return false;
        }
        completions.add(c);
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    void close() {
        closed = true;
        calls.clear();
        completions.clear();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return name;
    }
}
