package dev.enricher.cli;

import dev.enricher.simulator.LatencyDistribution;
import dev.enricher.simulator.LatencyProfile;

/**
 * One {@code --latency MODEL=MEDIAN_MS:P99_MS} of the {@code simulator} command: a model's latency distribution
 * (log-normal from its median and 99th percentile), or the default of every other model for {@code *}.
 */
record LatencySpec(String model, LatencyDistribution distribution) {
    /**
     * Reads one spec.
     *
     * @throws IllegalArgumentException saying what is wrong and what would be valid
     */
    static LatencySpec parse(String spec) {
        int eq = spec.lastIndexOf('=');
        int colon = spec.lastIndexOf(':');
        if (eq <= 0 || colon < eq) {
            throw new IllegalArgumentException("--latency '" + spec + "' must look like MODEL=MEDIAN_MS:P99_MS, "
                    + "e.g. gliner-multi-pii-v1=300:900 or *=250:800");
        }
        long median;
        long p99;
        try {
            median = Long.parseLong(spec.substring(eq + 1, colon).strip());
            p99 = Long.parseLong(spec.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--latency '" + spec + "': MEDIAN_MS and P99_MS must be whole "
                    + "milliseconds, e.g. 300:900");
        }
        try {
            return new LatencySpec(spec.substring(0, eq).strip(), LatencyDistribution.of(median, p99));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--latency '" + spec + "': " + e.getMessage());
        }
    }

    /** The profile with this model's distribution (or, for {@code *}, the default) replaced. */
    LatencyProfile applyTo(LatencyProfile profile) {
        return "*".equals(model) ? new LatencyProfile(profile.byModel(), distribution, profile.fixed())
                : profile.with(model, distribution);
    }
}
