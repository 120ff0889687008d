package dev.enricher.engine;

import org.slf4j.Logger;

/**
 * At most {@code perWindow} log lines of one kind per window; the rest are counted and reported once when the next
 * window opens. A storm of failing records must not flood the log. Not thread-safe: one owner thread.
 */
final class LogBudget {
    private final int perWindow;
    private final long windowMillis;
    private final Logger log;
    private final String what;
    private long windowStart = Long.MIN_VALUE;
    private int used;
    private long suppressed;

    LogBudget(int perWindow, long windowMillis, Logger log, String what) {
        this.perWindow = perWindow;
        this.windowMillis = windowMillis;
        this.log = log;
        this.what = what;
    }

    /** True when one more line may be logged now. */
    boolean allow(long nowMillis) {
        if (windowStart == Long.MIN_VALUE || nowMillis - windowStart >= windowMillis) {
            if (suppressed > 0) {
                log.warn("{} more {} were not logged in the last {} s (see the dead-letter topic and metrics)",
                        suppressed, what, windowMillis / 1000);
            }
            windowStart = nowMillis;
            used = 0;
            suppressed = 0;
        }
        if (used < perWindow) {
            used++;
            return true;
        }
        suppressed++;
        return false;
    }
}
