package dev.enricher.engine;

import dev.enricher.client.Admission;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One processor incarnation's connection to the {@link Dispatcher}: its calls waiting for a slot (its lane of the
 * admission, which serves the lanes in turn), and its finished calls waiting for the stream thread. A processor that
 * closes (rebalance, crash recovery, shutdown) closes its lane: its waiting calls are dropped and answers still on the
 * wire are dropped when they arrive, because the task that asked no longer owns the events (its successor re-sends
 * them from the restored store).
 */
final class Lane {
    final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    /** Calls waiting for a slot. */
    final Admission<Call>.Lane calls;
    private volatile boolean closed;
    /** The stream thread, while it waits for capacity in {@code process()}: woken by each completion. */
    volatile Thread waiter;

    Lane(Admission<Call>.Lane calls) {
        this.calls = calls;
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
        calls.close();
        completions.clear();
    }

    /** The calls waiting for a slot, next first; a snapshot. */
    List<Call> waitingCalls() {
        return calls.waiting();
    }

    @Override
    public String toString() {
        return calls.toString();
    }
}
