package dev.enricher.chaos;

import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a chaos run does.
 *
 * @param duration        length of the fault phase (the stream flows throughout; a warm-up before it and the drain
 *                        after it come on top)
 * @param instances       service instances, each a child JVM
 * @param guarantee       the instances' processing guarantee
 * @param eventsPerSecond the input rate
 * @param faults          the fault kinds to schedule, each at least once
 * @param seed            seed of the schedule, the stream and the simulator
 * @param userConfig      a service configuration to run with instead of the built-in three tasks (its tasks, engine,
 *                        API and streams settings; the broker, topics, registry and API address are the run's), or null
 * @param workDir         where the broker's data, the instances' state and logs go
 * @param latencyMs       the simulator's latency per call
 * @param drainTimeout    how long the drain may take before the run gives up waiting and checks what it has
 * @param poisonRate      share of inputs that are record faults
 * @param keep            keep the work directory after a passing run (a failing one is always kept)
 */
public record ChaosSettings(Duration duration, int instances, ProcessingGuarantee guarantee, double eventsPerSecond,
                            Set<FaultKind> faults, long seed, Path userConfig, Path workDir, long latencyMs,
                            Duration drainTimeout, double poisonRate, boolean keep) {
    public ChaosSettings {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive, was " + duration);
        }
        if (instances < 1 || instances > 16) {
            throw new IllegalArgumentException("--instances must be within 1..16, was " + instances);
        }
        if (!(eventsPerSecond > 0) || eventsPerSecond > 100_000) {
            throw new IllegalArgumentException("--events-per-second must be within (0, 100000], was " + eventsPerSecond);
        }
        faults = EnumSet.copyOf(faults);
        java.util.Objects.requireNonNull(workDir, "workDir");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("--latency-ms must be >= 0, was " + latencyMs);
        }
        if (!(poisonRate >= 0 && poisonRate <= 0.5)) {
            throw new IllegalArgumentException("--poison-rate must be within [0, 0.5], was " + poisonRate);
        }
        if (faults.contains(FaultKind.STOP) && instances < 1) {
            throw new IllegalArgumentException("stop needs an instance");
        }
    }

    /** Whether duplicates break the run (exactly_once_v2) or are allowed (at_least_once). */
    public boolean exactlyOnce() {
        return guarantee == ProcessingGuarantee.EXACTLY_ONCE_V2;
    }
}
