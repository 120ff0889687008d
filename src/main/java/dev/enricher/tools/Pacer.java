package dev.enricher.tools;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Paces a loop to a rate with a token bucket: {@link #acquire()} returns at once while tokens are left and
 * otherwise sleeps until the next one is due. The bucket holds at most a twentieth of a second's worth of
 * tokens (at least one), so the rate is smooth and a stall is not followed by a long burst.
 *
 * <p>One thread only. Time and sleeping are injected so tests move time instead of waiting.
 */
public final class Pacer {
    /** Sleeps for a number of nanoseconds. */
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double nanosPerToken;
    private final double capacity;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    Pacer(double perSecond, LongSupplier nanoTime, Sleeper sleeper) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of events per second, got " + perSecond);
        }
        this.nanosPerToken = 1e9 / perSecond;
        this.capacity = Math.max(1, perSecond / 20);
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = 1;
        this.last = nanoTime.getAsLong();
    }

    /** A pacer on the system clock. */
    public static Pacer perSecond(double perSecond) {
        return new Pacer(perSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** Takes one token, sleeping until one is available. */
    public void acquire() throws InterruptedException {
        refill();
        while (tokens < 1) {
            sleeper.sleepNanos(Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerToken)));
            refill();
        }
        tokens -= 1;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) / nanosPerToken);
        last = now;
    }
}
