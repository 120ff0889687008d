package dev.enricher.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * A log-normal service time given by its median and 99th percentile: most answers come near the median,
 * a few take much longer, as remote model servers do. {@code sigma = ln(p99 / median) / 2.3263}.
 * Immutable.
 *
 * @param median the 50th percentile, >= 0
 * @param p99    the 99th percentile, >= median
 */
public record LatencyDistribution(Duration median, Duration p99) {
    private static final double Z99 = 2.3263478740408408;

    public LatencyDistribution {
        Objects.requireNonNull(median, "median");
        Objects.requireNonNull(p99, "p99");
        if (median.isNegative() || p99.compareTo(median) < 0) {
            throw new IllegalArgumentException("latency needs 0 <= median <= p99, was median=" + median.toMillis()
                    + "ms p99=" + p99.toMillis() + "ms");
        }
    }

    public static LatencyDistribution of(long medianMillis, long p99Millis) {
        return new LatencyDistribution(Duration.ofMillis(medianMillis), Duration.ofMillis(p99Millis));
    }

    /** Always {@code millis}. */
    public static LatencyDistribution fixed(long millis) {
        return of(millis, millis);
    }

    /**
     * The service time for a standard-normal draw {@code z}, in milliseconds, capped at ten times the p99 so
     * one unlucky draw cannot hold a request for minutes.
     */
    long sampleMillis(double z) {
        long m = median.toMillis();
        long p = p99.toMillis();
        if (m == 0 || p == m) {
            return m;
        }
        double sigma = Math.log((double) p / m) / Z99;
        double v = m * Math.exp(sigma * z);
        return Math.max(0, Math.min(Math.round(v), 10 * p));
    }
}
