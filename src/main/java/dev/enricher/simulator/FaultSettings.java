package dev.enricher.simulator;

import java.util.List;

/**
 * The faults the simulator injects. Immutable; replace the whole value at run time through
 * {@link Simulator#faults(FaultSettings)} or {@code PUT /admin/faults} (a partial JSON update).
 *
 * <p>Rates are probabilities in [0, 1] drawn per request from the simulator's seeded generator, so a run
 * with the same seed and the same request count injects the same number of faults. When the rates add up
 * to more than 1 the earlier ones win, in this order: rate limit, server error, no answer, reset, malformed, slow.
 *
 * @param rateLimitRate       share of requests answered 429 {@code rate_limit_exceeded}
 * @param retryAfterSeconds   {@code Retry-After} sent with every 429 rate-limit answer (>= 0)
 * @param serverErrorRate     share of requests answered with one of {@code serverErrorStatuses}
 * @param serverErrorStatuses statuses chosen from, uniformly (each one of 500, 502, 503, 504)
 * @param timeoutRate         share of requests never answered (held until the client gives up, or a bound)
 * @param resetRate           share of requests whose connection is closed abruptly (TCP RST)
 * @param malformedRate       share of requests answered 200 with a truncated, unparseable JSON body
 * @param requestsPerSecond   ceiling on accepted requests per second (token bucket, one second of burst);
 *                            0 for none. Above it: 429 {@code rate_limit_exceeded} with {@code Retry-After: 1}
 * @param outage              every request answered 503, before authentication
 * @param quotaExhausted      every authenticated request answered {@code quotaStatus} {@code insufficient_quota}
 * @param quotaStatus         status of the quota answer: 429 (default) or 420
 * @param slowRate            share of requests answered 200 only after {@code slowMillis} more than their latency
 *                            (an answer slower than a client's request timeout: the client gave up, the call is paid)
 * @param slowMillis          the extra latency of a slow answer, ms (>= 0)
 */
public record FaultSettings(double rateLimitRate, int retryAfterSeconds, double serverErrorRate,
                            List<Integer> serverErrorStatuses, double timeoutRate, double resetRate,
                            double malformedRate, double requestsPerSecond, boolean outage, boolean quotaExhausted,
                            int quotaStatus, double slowRate, long slowMillis) {
    private static final List<Integer> SERVER_ERRORS = List.of(500, 502, 503, 504);

    public FaultSettings {
        rate("rateLimitRate", rateLimitRate);
        rate("serverErrorRate", serverErrorRate);
        rate("timeoutRate", timeoutRate);
        rate("resetRate", resetRate);
        rate("malformedRate", malformedRate);
        rate("slowRate", slowRate);
        if (slowMillis < 0) {
            throw new IllegalArgumentException("slowMillis must be >= 0, was " + slowMillis);
        }
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 0, was " + retryAfterSeconds);
        }
        serverErrorStatuses = serverErrorStatuses == null || serverErrorStatuses.isEmpty()
                ? SERVER_ERRORS : List.copyOf(serverErrorStatuses);
        for (Integer s : serverErrorStatuses) {
            if (!SERVER_ERRORS.contains(s)) {
                throw new IllegalArgumentException("serverErrorStatuses may hold 500, 502, 503, 504 only, was " + s);
            }
        }
        if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException("requestsPerSecond must be >= 0 (0 = no limit), was " + requestsPerSecond);
        }
        if (quotaStatus != 429 && quotaStatus != 420) {
            throw new IllegalArgumentException("quotaStatus must be 429 or 420, was " + quotaStatus);
        }
    }

    private static void rate(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1], was " + v);
        }
    }

    /** No faults, no rate limit, {@code Retry-After: 1}, quota status 429. */
    public static FaultSettings none() {
        return new FaultSettings(0, 1, 0, SERVER_ERRORS, 0, 0, 0, 0, false, false, 429, 0, 0);
    }

    public FaultSettings withRateLimitRate(double v) {
        return new FaultSettings(v, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate, resetRate,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withRetryAfterSeconds(int v) {
        return new FaultSettings(rateLimitRate, v, serverErrorRate, serverErrorStatuses, timeoutRate, resetRate,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withServerErrorRate(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, v, serverErrorStatuses, timeoutRate, resetRate,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withServerErrorStatuses(List<Integer> v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, v, timeoutRate, resetRate,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withTimeoutRate(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, v, resetRate,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withResetRate(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate, v,
                malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withMalformedRate(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, v, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withRequestsPerSecond(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, v, outage, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withOutage(boolean v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, requestsPerSecond, v, quotaExhausted, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withQuotaExhausted(boolean v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, requestsPerSecond, outage, v, quotaStatus, slowRate, slowMillis);
    }

    public FaultSettings withQuotaStatus(int v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, requestsPerSecond, outage, quotaExhausted, v, slowRate, slowMillis);
    }

    public FaultSettings withSlowRate(double v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, v, slowMillis);
    }

    public FaultSettings withSlowMillis(long v) {
        return new FaultSettings(rateLimitRate, retryAfterSeconds, serverErrorRate, serverErrorStatuses, timeoutRate,
                resetRate, malformedRate, requestsPerSecond, outage, quotaExhausted, quotaStatus, slowRate, v);
    }

    /** Sum of the per-request fault rates (may exceed 1; see the class comment). */
    double totalRate() {
        return rateLimitRate + serverErrorRate + timeoutRate + resetRate + malformedRate + slowRate;
    }

    @Override
    public String toString() {
        return "FaultSettings[rateLimit=" + rateLimitRate + " retryAfter=" + retryAfterSeconds + "s serverError="
                + serverErrorRate + serverErrorStatuses + " timeout=" + timeoutRate + " reset=" + resetRate
                + " malformed=" + malformedRate + " rps=" + requestsPerSecond + " outage=" + outage
                + " quotaExhausted=" + quotaExhausted + "(" + quotaStatus + ") slow=" + slowRate + "@" + slowMillis + "ms]";
    }

}
