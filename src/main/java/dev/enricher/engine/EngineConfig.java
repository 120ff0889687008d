package dev.enricher.engine;

import dev.enricher.client.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The engine's settings; validated when built, with the bad value in the message.
 *
 * @param maxInFlight         HTTP calls in flight per instance, shared fairly by every stream task (the hard bound on
 *                            memory and on what is sent); the client's own cap is set to the same value
 * @param maxPendingPerTask   events per stream task held in memory between admission and output; a record arriving
 *                            over it makes {@code process()} wait (bounded by {@code maxAdmissionWait})
 * @param ordering            per-key FIFO or unordered output
 * @param onTaskFailure       what a task failing for good does to its event
 * @param retry               retries of TRANSIENT failures (attempts and the next retry time are kept in the pending
 *                            store, so they survive a restart)
 * @param maxAdmissionWait    longest wait for pending capacity in one {@code process()} call, and in all calls of one
 *                            processing pass of a stream thread together: kept far below the EOS transaction timeout
 *                            (10 s) and {@code max.poll.interval.ms}; when it runs out the record is admitted to the
 *                            store (on disk) and waits there for a slot
 * @param drainInterval       how often an idle stream task looks for finished calls (a wall-clock punctuator)
 * @param outageFailures      consecutive TRANSIENT failures (5xx, timeouts, resets, refused connections) with no
 *                            success in between that, lasting {@code outageAfter}, count as the API being down
 * @param outageAfter         see {@code outageFailures}
 * @param probeInterval       first wait between probes while the circuit is open; doubles up to {@code maxProbeInterval}
 * @param maxProbeInterval    longest wait between probes
 * @param clock               wall-clock time, injected for tests
 */
public record EngineConfig(int maxInFlight, int maxPendingPerTask, Ordering ordering, TaskFailurePolicy onTaskFailure,
                           RetryPolicy retry, Duration maxAdmissionWait, Duration drainInterval, int outageFailures,
                           Duration outageAfter, Duration probeInterval, Duration maxProbeInterval, Clock clock) {

    public EngineConfig {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("engine max in-flight must be >= 1, was " + maxInFlight);
        }
        if (maxPendingPerTask < 1) {
            throw new IllegalArgumentException("engine max pending per task must be >= 1, was " + maxPendingPerTask);
        }
        Objects.requireNonNull(ordering, "ordering");
        Objects.requireNonNull(onTaskFailure, "onTaskFailure");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(clock, "clock");
        nonNegative("max admission wait", maxAdmissionWait);
        if (maxAdmissionWait.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("engine max admission wait must be <= 5s (the EOS transaction timeout is 10s), was "
                    + maxAdmissionWait);
        }
        positive("drain interval", drainInterval);
        if (outageFailures < 1) {
            throw new IllegalArgumentException("engine outage failures must be >= 1, was " + outageFailures);
        }
        nonNegative("outage after", outageAfter);
        positive("probe interval", probeInterval);
        positive("max probe interval", maxProbeInterval);
        if (maxProbeInterval.compareTo(probeInterval) < 0) {
            throw new IllegalArgumentException("engine max probe interval (" + maxProbeInterval
                    + ") must be >= probe interval (" + probeInterval + ")");
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("engine " + what + " must be > 0, was " + d);
        }
    }

    private static void nonNegative(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException("engine " + what + " must be >= 0, was " + d);
        }
    }

    /** 256 in flight, 1,024 pending per task, key order, dead-letter on failure, the client's default retries. */
    public static EngineConfig defaults() {
        return new EngineConfig(256, 1024, Ordering.KEY, TaskFailurePolicy.DEAD_LETTER, RetryPolicy.defaults(),
                Duration.ofMillis(500), Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(15), Clock.systemUTC());
    }

    public EngineConfig withMaxInFlight(int v) {
        return new EngineConfig(v, maxPendingPerTask, ordering, onTaskFailure, retry, maxAdmissionWait, drainInterval,
                outageFailures, outageAfter, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withMaxPendingPerTask(int v) {
        return new EngineConfig(maxInFlight, v, ordering, onTaskFailure, retry, maxAdmissionWait, drainInterval,
                outageFailures, outageAfter, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withOrdering(Ordering v) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, v, onTaskFailure, retry, maxAdmissionWait, drainInterval,
                outageFailures, outageAfter, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withOnTaskFailure(TaskFailurePolicy v) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, ordering, v, retry, maxAdmissionWait, drainInterval,
                outageFailures, outageAfter, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withRetry(RetryPolicy v) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, ordering, onTaskFailure, v, maxAdmissionWait, drainInterval,
                outageFailures, outageAfter, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withOutage(int failures, Duration after) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, ordering, onTaskFailure, retry, maxAdmissionWait,
                drainInterval, failures, after, probeInterval, maxProbeInterval, clock);
    }

    public EngineConfig withProbeInterval(Duration first, Duration max) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, ordering, onTaskFailure, retry, maxAdmissionWait,
                drainInterval, outageFailures, outageAfter, first, max, clock);
    }

    public EngineConfig withClock(Clock v) {
        return new EngineConfig(maxInFlight, maxPendingPerTask, ordering, onTaskFailure, retry, maxAdmissionWait,
                drainInterval, outageFailures, outageAfter, probeInterval, maxProbeInterval, v);
    }
}
