package dev.enricher.simulator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A requests-per-second limit with one second of burst, lock-free. It is the token bucket written as the
 * generic cell rate algorithm: one atomic "theoretical arrival time" instead of a token count and a refill
 * timestamp, so a single CAS decides each request. The rate may change at any time; 0 or less means no limit.
 */
final class TokenBucket {
    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE);
    private final LongSupplier nanoClock;

    TokenBucket(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** True when a request may pass at {@code ratePerSecond}; consumes one token if so. */
    boolean tryAcquire(double ratePerSecond) {
        if (ratePerSecond <= 0) {
            return true;
        }
        long interval = (long) Math.max(1, 1_000_000_000L / ratePerSecond);
        long burst = (long) Math.max(1, Math.floor(ratePerSecond)) * interval;
        long now = nanoClock.getAsLong();
        while (true) {
            long current = tat.get();
            long base = current == Long.MIN_VALUE || current < now ? now : current;
            long next = base + interval;
            if (next - now > burst) {
                return false;
            }
            if (tat.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
