package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aStormOfRateLimitsHalvesOncePerCooldown() {
        ConcurrencyLimit limit = ConcurrencyLimit.aimd(4, 256);
        long t = 0;
        for (int i = 0; i < 100; i++) {
            limit.onRateLimited(t + i * MS / 10); // 100 429s within 10 ms: one burst
        }
        assertThat(limit.current()).isEqualTo(128);
        limit.onRateLimited(t + 300 * MS);
        assertThat(limit.current()).isEqualTo(64);
    }

    @Test
    void neverBelowTheFloor() {
        ConcurrencyLimit limit = ConcurrencyLimit.aimd(4, 256);
        for (int i = 0; i < 50; i++) {
            limit.onRateLimited(i * 1_000 * MS);
        }
        assertThat(limit.current()).isEqualTo(4);
    }

    @Test
    void successRaisesItBackButNeverAboveTheMax() {
        ConcurrencyLimit limit = ConcurrencyLimit.aimd(4, 256);
        limit.onRateLimited(0);
        assertThat(limit.current()).isEqualTo(128);
        int calls = 0;
        while (limit.current() < 256 && calls < 100_000) {
            limit.onSuccess(calls);
            calls++;
        }
        assertThat(limit.current()).isEqualTo(256);
        // Growth is limit/16 per round trip of `limit` calls: back from half in ~ln 2 / ln(17/16) = 11.4
        // round trips of 128..256 calls, i.e. 2,048 calls; additive +1 per round trip would take 128 round trips.
        assertThat(calls).isBetween(1_500, 12 * 256);
        for (int i = 0; i < 10_000; i++) {
            limit.onSuccess(i);
        }
        assertThat(limit.current()).isEqualTo(256);
    }

    @Test
    void fixedNeverMoves() {
        ConcurrencyLimit limit = ConcurrencyLimit.fixed(32);
        limit.onRateLimited(0);
        limit.onRateLimited(1_000 * MS);
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
