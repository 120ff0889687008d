package dev.enricher.client;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay, on a thread of the scheduler's, never on the caller's. Shaped like Caffeine's
 * {@code Scheduler}: {@link #singleThread} in production, and in tests one that runs what is due when the test moves
 * time.
 *
 * <p>Tasks cannot be cancelled: a task that finds its reason gone when it runs does nothing. After
 * {@link #close()}, scheduling is accepted and the task never runs (a shutting-down owner needs no special case).
 * Thread-safe.
 */
public interface Scheduler extends AutoCloseable {

    /**
     * Runs {@code task} once, {@code delay} from now (at once for zero or negative), on the scheduler's thread.
     * Never blocks and never runs the task on the calling thread.
     */
    void schedule(Runnable task, Duration delay);

    /** Stops running tasks; those not yet run are dropped. Idempotent. */
    @Override
    void close();

    /** A scheduler on one daemon thread of its own, named {@code threadName}; close it to stop the thread. */
    static Scheduler singleThread(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return new Scheduler() {
            @Override
            public void schedule(Runnable task, Duration delay) {
                try {
                    executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closed) {
                    // Closed: the task is dropped, as documented.
                }
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }

            @Override
            public String toString() {
                return "Scheduler[" + threadName + "]";
            }
        };
    }
}
