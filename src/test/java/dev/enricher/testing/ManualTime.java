package dev.enricher.testing;

import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A {@link Ticker} and a {@link Scheduler} that a test moves by hand: scheduled tasks run on the thread that calls
 * {@link #advance} or {@link #runDue}, in the order they are due (then in the order they were scheduled), so timing
 * logic is tested without sleeping. Thread-safe: tasks may be scheduled from any thread.
 */
public final class ManualTime implements Ticker, Scheduler {
    private record Task(long due, long order, Runnable run) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
    private long now;
    private long order;
    private boolean closed;

    @Override
    public synchronized long read() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, Duration delay) {
        if (!closed) {
            tasks.add(new Task(now + Math.max(0, delay.toNanos()), order++, task));
        }
    }

    /** Moves time forward by {@code d}, running every task that falls due on the way, each at its due time. */
    public void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.run.run();
        }
    }

    /** Runs the tasks already due (those scheduled "now" included) without moving time. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Tasks scheduled and not yet run. */
    public synchronized int scheduled() {
        return tasks.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        tasks.clear();
    }
}
