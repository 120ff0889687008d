package dev.enricher.client;

/**
 * A source of monotonic time in nanoseconds, read for latencies, backoff deadlines, rate limits and outage windows.
 * Shaped like Caffeine's {@code Ticker}: {@link #system()} in production; tests pass one they move by hand, so time
 * logic is tested by moving time, not by sleeping.
 *
 * <p>Implementations are thread-safe; values only make sense as differences between two reads of one ticker.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary origin; never decreases. */
    long read();

    /** {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
