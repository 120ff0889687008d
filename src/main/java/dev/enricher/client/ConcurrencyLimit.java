package dev.enricher.client;

/**
 * The in-flight ceiling. Policies are chosen once when the client is built: {@link #fixed} keeps the
 * configured maximum, {@link #aimd} lowers it on evidence of overload (many 429s, not one) and raises it back on
 * success.
 *
 * <p>Answers are told with the {@link #epoch()} read when their call started, so a policy can tell an answer about
 * its current limit from one about a limit it has since left.
 *
 * <p>Not thread-safe: the client calls it under its own lock.
 */
interface ConcurrencyLimit {

    /** The current ceiling, between the configured minimum and maximum. */
    int current();

    /** A number that changes whenever the limit is lowered; read when a call starts. */
    long epoch();

    /** A call started in {@code epoch} succeeded. */
    void onSuccess(long epoch);

    /** A call started in {@code epoch} was answered 429 rate_limit_exceeded. */
    void onRateLimited(long epoch);

    static ConcurrencyLimit fixed(int max) {
        return new ConcurrencyLimit() {
            @Override
            public int current() {
                return max;
            }

            @Override
            public long epoch() {
                return 0;
            }

            @Override
            public void onSuccess(long epoch) {
            }

            @Override
            public void onRateLimited(long epoch) {
            }
        };
    }

    static ConcurrencyLimit aimd(int min, int max) {
        return new AimdLimit(min, max);
    }
}
