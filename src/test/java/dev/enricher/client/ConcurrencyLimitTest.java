package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fixed limit and the rate limit's token bucket; the adaptive limit has {@link AimdLimitTest}. */
class ConcurrencyLimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void fixedNeverMoves() {
        ConcurrencyLimit limit = ConcurrencyLimit.fixed(32);
        for (int i = 0; i < 100; i++) {
            limit.onRateLimited(limit.epoch());
        }
        assertThat(limit.current()).isEqualTo(32);
    }

    @Test
    void tokenBucketAllowsItsRateAndSaysWhenTheNextTokenComes() {
        TokenBucket bucket = new TokenBucket(100, 0); // burst 10
        int taken = 0;
        while (bucket.tryTake(0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(10);
        assertThat(bucket.nanosUntilNext(0)).isEqualTo(10 * MS);
        assertThat(bucket.tryTake(10 * MS)).isTrue();
        assertThat(bucket.tryTake(10 * MS)).isFalse();
        // Over one second at most rate * 1 s + burst tokens.
        int inASecond = 0;
        for (long t = 10 * MS; t <= 1_010 * MS; t += MS) {
            while (bucket.tryTake(t)) {
                inASecond++;
            }
        }
        assertThat(inASecond).isBetween(99, 101);
    }
}
