package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofMinutes(2));

    @Test
    void backoffCeilingDoublesAndIsCapped() {
        assertThat(policy.backoffCeiling(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoffCeiling(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.backoffCeiling(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(policy.backoffCeiling(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoffCeiling(500)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullJitterStaysWithinTheCeilingAndSpreads() {
        Random random = new Random(42);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = policy.delay(3, Optional.empty(), random).toMillis();
            assertThat(d).isBetween(0L, 4_000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(400);
        assertThat(max).isGreaterThan(3_600);
    }

    @Test
    void retryAfterIsAFloorAndIsCapped() {
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(5)), random)).isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(policy.delay(1, Optional.of(Duration.ofHours(1)), random)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void mayRetryRespectsAttemptsAndElapsedTime() {
        assertThat(policy.mayRetry(1, Duration.ZERO, Duration.ofSeconds(1))).isTrue();
        assertThat(policy.mayRetry(4, Duration.ZERO, Duration.ofSeconds(1))).isTrue();
        assertThat(policy.mayRetry(5, Duration.ZERO, Duration.ofSeconds(1))).isFalse();
        assertThat(policy.mayRetry(1, Duration.ofSeconds(119), Duration.ofSeconds(2))).isFalse();
        assertThat(policy.withMaxAttempts(1).mayRetry(1, Duration.ZERO, Duration.ZERO)).isFalse();
    }

    @Test
    void parsesRetryAfterSecondsAndHttpDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryPolicy.parseRetryAfter("2", clock)).contains(Duration.ofSeconds(2));
        assertThat(RetryPolicy.parseRetryAfter(" 1.5 ", clock)).contains(Duration.ofMillis(1500));
        assertThat(RetryPolicy.parseRetryAfter("0", clock)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("-3", clock)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 10:00:07 GMT", clock)).contains(Duration.ofSeconds(7));
        assertThat(RetryPolicy.parseRetryAfter("Wed, 25 Nov 2026 09:59:00 GMT", clock)).contains(Duration.ZERO);
        assertThat(RetryPolicy.parseRetryAfter("soon", clock)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("", clock)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter(null, clock)).isEmpty();
        assertThat(RetryPolicy.parseRetryAfter("NaN", clock)).isEmpty();
    }

    @Test
    void invalidSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("max attempts must be >= 1").hasMessageContaining("was 0");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(1))).hasMessageContaining("max backoff (PT2S) must be >= initial backoff (PT5S)");
    }
}
