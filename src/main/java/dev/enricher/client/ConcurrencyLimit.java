package dev.enricher.client;

/**
 * The in-flight ceiling. Policies are chosen once when the client is built: {@link #fixed} keeps the
 * configured maximum, {@link #aimd} lowers it on a 429 storm and raises it back on success.
 *
 * <p>Not thread-safe: the client calls it under its own lock.
 */
interface ConcurrencyLimit {

    /** The current ceiling, between the configured minimum and maximum. */
    int current();

    /** A call succeeded. */
    void onSuccess(long nowNanos);

    /** A call was answered 429 rate_limit_exceeded. */
    void onRateLimited(long nowNanos);

    static ConcurrencyLimit fixed(int max) {
        return new ConcurrencyLimit() {
            @Override
            public int current() {
                return max;
            }

            @Override
            public void onSuccess(long nowNanos) {
            }

            @Override
            public void onRateLimited(long nowNanos) {
            }
        };
    }

    static ConcurrencyLimit aimd(int min, int max) {
        return new AimdLimit(min, max);
    }
}
