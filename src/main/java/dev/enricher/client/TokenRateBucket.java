package dev.enricher.client;

/**
 * A tokens-per-minute ceiling (model tokens, as the API bills and rate-limits them): a bucket refilled continuously,
 * holding at most ten seconds' worth (at least one token), from which each call takes its <em>estimated</em> prompt
 * tokens when it starts. Unlike {@link TokenBucket} the balance may go negative: a call is admitted while the balance
 * is positive whatever its size, so a call larger than the bucket still goes once the bucket has refilled, and the
 * debt it leaves delays the calls after it by as long as its tokens take to earn. When the answer says how many tokens
 * the call really used, {@link #correct} settles the difference.
 *
 * <p>Refill is computed as {@code elapsedNanos * perMinute / 60e9} rather than with a per-nano rate, so round rates
 * (600 a minute over 6 s) give exact figures and a timer armed for {@link #nanosUntilPositive} finds the balance
 * positive.
 *
 * <p>Not thread-safe: {@link Admission} calls it under its own lock.
 */
final class TokenRateBucket {
    private static final double NANOS_PER_MINUTE = 60e9;

    private final double perMinute;
    private final double capacity;
    private double balance;
    private long lastNanos;

    TokenRateBucket(double perMinute, long nowNanos) {
        if (!(perMinute > 0) || Double.isInfinite(perMinute)) {
            throw new IllegalArgumentException("tokens per minute must be > 0 and finite, was " + perMinute);
        }
        this.perMinute = perMinute;
        this.capacity = Math.max(1.0, perMinute / 6);
        this.balance = capacity;
        this.lastNanos = nowNanos;
    }

    /** Whether a call may start now; takes nothing. */
    boolean positive(long nowNanos) {
        refill(nowNanos);
        return balance > 0;
    }

    /**
     * Charges a starting call its {@code estimate} (negative counts as 0); the balance may go negative. Call right after
     * {@link #positive} said yes: the bucket does not check again.
     */
    void take(long estimate) {
        balance -= Math.max(0, estimate);
    }

    /**
     * Settles a call's use: {@code delta} = tokens taken - tokens used; positive refunds (never above the capacity),
     * negative adds debt.
     */
    void correct(long delta, long nowNanos) {
        refill(nowNanos);
        balance = Math.min(capacity, balance + delta);
    }

    /** Nanoseconds until the balance is positive (0 if it is). */
    long nanosUntilPositive(long nowNanos) {
        refill(nowNanos);
        if (balance > 0) {
            return 0;
        }
        // Strictly positive: one nanosecond past the time the debt is paid off.
        return (long) Math.floor(-balance * NANOS_PER_MINUTE / perMinute) + 1;
    }

    /** The balance now: up to the capacity, negative while in debt. */
    double balance(long nowNanos) {
        refill(nowNanos);
        return balance;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            balance = Math.min(capacity, balance + elapsed * perMinute / NANOS_PER_MINUTE);
            lastNanos = nowNanos;
        }
    }
}
