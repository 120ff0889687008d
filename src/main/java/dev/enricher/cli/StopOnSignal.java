package dev.enricher.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, SIGTERM) while a long-running command works: a JVM shutdown hook asks the command to stop and
 * then keeps the JVM alive until the command has finished on its own thread (closed what it opened, printed its
 * summary), for at most a grace period. Closing this object says the command has finished and removes the hook.
 *
 * <p>Why the command's own thread does the stopping: its resources are closed in one place, in order, whether
 * the stop came from a signal, a test calling the command's {@code stop()}, or the end of the work.
 */
final class StopOnSignal implements AutoCloseable {
    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);

    private StopOnSignal(String name, Runnable stop, Duration grace) {
        this.hook = new Thread(() -> {
            stop.run();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /**
     * Installs the hook.
     *
     * @param stop  what a signal does: ask the command to stop; called on the hook's thread, must not block
     * @param grace how long the JVM waits for the command to finish after {@code stop}
     */
    static StopOnSignal install(String name, Runnable stop, Duration grace) {
        StopOnSignal s = new StopOnSignal(name, stop, grace);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** The command has finished: a running hook returns now, and the hook is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and returns now
        }
    }
}
