package dev.enricher.client;

/**
 * A requests-per-second ceiling: a token bucket refilled continuously, holding at most a tenth of a
 * second's worth (at least one) so a pause does not turn into a burst the server would refuse.
 * Written by hand because it is ten lines and must run under the client's lock with an injected
 * ticker; Guava's RateLimiter blocks threads, which an event loop must never do.
 *
 * <p>Not thread-safe: the client calls it under its own lock.
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    TokenBucket(double perSecond, long nowNanos) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("rate must be > 0, was " + perSecond);
        }
        this.perNano = perSecond / 1e9;
        this.capacity = Math.max(1.0, perSecond / 10);
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes a token if one is there. */
    boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }

    /** Nanoseconds until a token will be there (0 if one is). */
    long nanosUntilNext(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1.0 ? 0 : (long) Math.ceil((1.0 - tokens) / perNano);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            lastNanos = nowNanos;
        }
    }
}
