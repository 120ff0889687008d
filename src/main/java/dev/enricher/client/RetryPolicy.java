package dev.enricher.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * When to retry a TRANSIENT failure and how long to wait first: exponential backoff with full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"), never shorter than the server's
 * {@code Retry-After}, which is itself capped. Pure and immutable: time and randomness are passed in,
 * so the engine can apply the same policy to attempts it persisted.
 *
 * @param maxAttempts    attempts in all, the first included (1 = never retry)
 * @param initialBackoff ceiling of the first backoff; doubles with every failed attempt
 * @param maxBackoff     ceiling of any backoff
 * @param maxRetryAfter  a longer {@code Retry-After} is cut to this
 * @param maxElapsed     no retry is scheduled to start later than this after the first attempt
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
                          Duration maxElapsed) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be >= 1 (1 = no retries), was " + maxAttempts);
        }
        positive("initial backoff", initialBackoff);
        positive("max backoff", maxBackoff);
        positive("max Retry-After", maxRetryAfter);
        positive("max elapsed", maxElapsed);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("max backoff (" + maxBackoff + ") must be >= initial backoff (" + initialBackoff + ")");
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }

    /** 6 attempts, 1 s doubling to 30 s, Retry-After up to 60 s, 5 minutes in all: what the API's docs recommend. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofMinutes(5));
    }

    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(n, initialBackoff, maxBackoff, maxRetryAfter, maxElapsed);
    }

    /**
     * The wait before the next attempt.
     *
     * @param failedAttempts attempts made so far, all failed (>= 1)
     * @param retryAfter     the server's Retry-After, if any
     */
    public Duration delay(int failedAttempts, Optional<Duration> retryAfter, Random random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failed attempts must be >= 1, was " + failedAttempts);
        }
        long ceiling = backoffCeiling(failedAttempts).toNanos();
        long jittered = ceiling <= 0 ? 0 : (long) (random.nextDouble() * ceiling);
        Duration backoff = Duration.ofNanos(jittered);
        if (retryAfter.isPresent()) {
            Duration ra = cap(retryAfter.get());
            return ra.compareTo(backoff) > 0 ? ra : backoff;
        }
        return backoff;
    }

    /** The upper bound of the jittered backoff after {@code failedAttempts} failures. */
    public Duration backoffCeiling(int failedAttempts) {
        int shift = Math.min(failedAttempts - 1, 30);
        long nanos = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        long scaled = nanos > (max >> shift) ? max : nanos << shift;
        return Duration.ofNanos(Math.min(scaled, max));
    }

    /**
     * Whether another attempt may be made.
     *
     * @param failedAttempts attempts made so far
     * @param elapsed        time since the first attempt started
     * @param nextDelay      the wait that would come before it
     */
    public boolean mayRetry(int failedAttempts, Duration elapsed, Duration nextDelay) {
        return failedAttempts < maxAttempts && elapsed.plus(nextDelay).compareTo(maxElapsed) <= 0;
    }

    /** Caps a server-given wait at {@link #maxRetryAfter()}. */
    public Duration cap(Duration retryAfter) {
        if (retryAfter.isNegative()) {
            return Duration.ZERO;
        }
        return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }

    /**
     * Parses a {@code Retry-After} value: delta seconds ({@code 2}, also {@code 1.5}) or an HTTP date
     * ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Unparseable or absent gives empty; a date in the past gives zero.
     */
    public static Optional<Duration> parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.strip();
        try {
            double seconds = Double.parseDouble(v);
            if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return Optional.empty();
            }
            return Optional.of(seconds <= 0 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil(seconds * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
