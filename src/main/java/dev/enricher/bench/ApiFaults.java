package dev.enricher.bench;

import dev.enricher.simulator.FaultSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The API faults a benchmark runs under, in the simulator's own terms ({@link FaultSettings}): a share of calls
 * answered 429 {@code rate_limit_exceeded} (with {@code Retry-After: 1}), a share answered 5xx, a requests-per-second
 * ceiling answering 429 above it, and optionally a storm: every call answered 429 for a while in the measured phase.
 *
 * @param rateLimitRate     share of calls answered 429 at random, in [0, 1]
 * @param serverErrorRate   share of calls answered 500/502/503/504 at random, in [0, 1]
 * @param requestsPerSecond the simulator's ceiling; 0 for none
 * @param storm             how long every call is answered 429, starting {@link #STORM_AFTER} into the measured
 *                          phase; zero for no storm
 */
public record ApiFaults(double rateLimitRate, double serverErrorRate, double requestsPerSecond, Duration storm) {
    /** When the storm starts, counted from the start of the measured phase. */
    public static final Duration STORM_AFTER = Duration.ofSeconds(2);

    public ApiFaults {
        if (!(rateLimitRate >= 0 && rateLimitRate <= 1)) {
            throw new IllegalArgumentException("--rate-limit-rate must be within [0, 1], was " + rateLimitRate);
        }
        if (!(serverErrorRate >= 0 && serverErrorRate <= 1)) {
            throw new IllegalArgumentException("--server-error-rate must be within [0, 1], was " + serverErrorRate);
        }
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("--rps must be >= 0 (0 = no limit), was " + requestsPerSecond);
        }
        Objects.requireNonNull(storm, "storm");
        if (storm.isNegative()) {
            throw new IllegalArgumentException("--storm must not be negative, was " + storm);
        }
    }

    /** No faults: every call answered after the latency. */
    public static ApiFaults none() {
        return new ApiFaults(0, 0, 0, Duration.ZERO);
    }

    /** True when calls may be refused: the benchmark then retries, and the adaptive limit is on. */
    public boolean any() {
        return rateLimitRate > 0 || serverErrorRate > 0 || requestsPerSecond > 0 || !storm.isZero();
    }

    /** The simulator's faults outside the storm. */
    FaultSettings settings() {
        return FaultSettings.none().withRateLimitRate(rateLimitRate).withServerErrorRate(serverErrorRate)
                .withRequestsPerSecond(requestsPerSecond);
    }

    /** The simulator's faults during the storm. */
    FaultSettings stormSettings() {
        return settings().withRateLimitRate(1.0);
    }

    /** The figures of the summary line: {@code rate_limit_rate=P server_error_rate=P rps=R storm_ms=S}. */
    String summary() {
        return String.format(Locale.ROOT, "rate_limit_rate=%s server_error_rate=%s rps=%s storm_ms=%d",
                number(rateLimitRate), number(serverErrorRate), number(requestsPerSecond), storm.toMillis());
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
