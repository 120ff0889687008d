package dev.enricher.cli;

import dev.enricher.bench.ApiFaults;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The API faults of {@code bench client} and {@code bench pipeline}, named as the simulator's options are: random
 * 429s and 5xx, a requests-per-second ceiling, and a storm of 429s in the measured phase.
 */
final class ApiFaultOptions {
    @Option(names = "--rate-limit-rate", paramLabel = "P", defaultValue = "0",
            description = "Share of calls the simulator answers 429 rate_limit_exceeded (Retry-After: 1) at random "
                    + "(default ${DEFAULT-VALUE}).")
    double rateLimitRate;

    @Option(names = "--server-error-rate", paramLabel = "P", defaultValue = "0",
            description = "Share of calls the simulator answers 500/502/503/504 at random (default ${DEFAULT-VALUE}).")
    double serverErrorRate;

    @Option(names = "--rps", paramLabel = "R", defaultValue = "0",
            description = "The simulator's requests-per-second ceiling (one second of burst), answering 429 above "
                    + "it (default ${DEFAULT-VALUE}: none).")
    double rps;

    @Option(names = "--storm", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Every call answered 429 for this long, from 2 s into the measured phase (e.g. 3s; default: "
                    + "none). The summary then says how soon the adaptive limit halved and how soon after the storm "
                    + "it was back at --concurrency.")
    Duration storm;

    /**
     * The faults asked for. With any of them the benchmark's client retries with the service's defaults and runs the
     * adaptive limit under --concurrency, as the service does.
     */
    ApiFaults faults(CommandSpec spec) {
        try {
            return new ApiFaults(rateLimitRate, serverErrorRate, rps, storm == null ? Duration.ZERO : storm);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
