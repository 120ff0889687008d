package dev.enricher.client;

import java.util.concurrent.TimeUnit;

/**
 * Additive-increase / multiplicative-decrease, as TCP does with its window: the API publishes no
 * rate limit, so the client finds the ceiling from 429s.
 *
 * <p>A 429 halves the limit, at most once per {@link #DECREASE_COOLDOWN_NANOS}: the 429s of one
 * burst all answer the same overload and must not collapse the limit to the floor. Each success
 * adds {@code 1/16} of the limit spread over one window's worth of calls, so the limit grows about
 * 6% per round trip: back from half in about a dozen round trips. Not thread-safe (see
 * {@link ConcurrencyLimit}).
 */
final class AimdLimit implements ConcurrencyLimit {
    static final long DECREASE_COOLDOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double DECREASE_FACTOR = 0.5;
    private static final double GROWTH_PER_ROUND_TRIP = 1.0 / 16;

    private final int min;
    private final int max;
    private double limit;
    private long lastDecreaseNanos;
    private boolean decreasedOnce;

    AimdLimit(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, was min=" + min + " max=" + max);
        }
        this.min = min;
        this.max = max;
        this.limit = max;
    }

    @Override
    public int current() {
        return (int) limit;
    }

    @Override
    public void onSuccess(long nowNanos) {
        if (limit < max) {
            limit = Math.min(max, limit + Math.max(1.0, limit * GROWTH_PER_ROUND_TRIP) / limit);
        }
    }

    @Override
    public void onRateLimited(long nowNanos) {
        if (decreasedOnce && nowNanos - lastDecreaseNanos < DECREASE_COOLDOWN_NANOS) {
            return;
        }
        decreasedOnce = true;
        lastDecreaseNanos = nowNanos;
        limit = Math.max(min, Math.floor(limit * DECREASE_FACTOR));
    }
}
