package dev.enricher.engine;

import dev.enricher.client.FailureKind;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.client.ZeroGpuException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance-wide circuit breaker. It opens on an OPERATOR error (401, 403, quota: only a person can fix those)
 * or on a sustained outage ({@code outageFailures} consecutive outage-like failures lasting {@code outageAfter});
 * while open the dispatcher sends nothing but one probe at a time, and the instance is paused through
 * {@link InstanceControl} so no more input is admitted. A successful probe closes it and resumes the instance.
 *
 * <p>Thread-safe without locks. Pausing, resuming and probing run on the {@link Scheduler}'s thread: never on a
 * stream thread (paused threads run nothing, so they could not resume themselves) nor on an event loop. Time comes
 * from the {@link Ticker} (the outage window) and the scheduler (the probes), so tests move it.
 */
final class Circuit {
    private static final Logger LOG = LoggerFactory.getLogger(Circuit.class);

    private final EngineConfig config;
    private final EngineStats stats;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final AtomicReference<CircuitState> state = new AtomicReference<>(CircuitState.CLOSED);
    private final AtomicInteger consecutiveOutageFailures = new AtomicInteger();
    private volatile long firstOutageFailureNanos;
    private volatile String reason;
    private volatile InstanceControl control = InstanceControl.NONE;
    private volatile Runnable prober = () -> { };
    private volatile long probeDelayMillis;

    /**
     * @param ticker    time of the outage window
     * @param scheduler where pausing, resuming and probes run; not closed by the circuit
     */
    Circuit(EngineConfig config, EngineStats stats, Ticker ticker, Scheduler scheduler) {
        this.config = config;
        this.stats = stats;
        this.ticker = ticker;
        this.scheduler = scheduler;
    }

    void control(InstanceControl c) {
        this.control = c;
    }

    void prober(Runnable p) {
        this.prober = p;
    }

    boolean isOpen() {
        return state.get() == CircuitState.OPEN;
    }

    CircuitState state() {
        return state.get();
    }

    /** Why the circuit is open; null when closed. */
    String reason() {
        return isOpen() ? reason : null;
    }

    /** A call succeeded: the outage count starts over. */
    void success() {
        consecutiveOutageFailures.set(0);
    }

    /** Whether this failure says the API is down (rather than this record or the rate being the problem). */
    static boolean outageLike(ZeroGpuException e) {
        FailureKind k = e.kind();
        if (k == FailureKind.TIMEOUT || k == FailureKind.CONNECT || k == FailureKind.CONNECTION_LOST) {
            return true;
        }
        return k == FailureKind.HTTP_STATUS && e.status() >= 500;
    }

    /**
     * Counts an outage-like failure.
     *
     * @return true when the circuit is open now (opened by this failure or before): the call must be held back
     */
    boolean outageFailure(ZeroGpuException e) {
        if (isOpen()) {
            return true;
        }
        int n = consecutiveOutageFailures.incrementAndGet();
        long now = ticker.read();
        if (n == 1) {
            firstOutageFailureNanos = now;
        }
        long lasted = now - firstOutageFailureNanos;
        if (n >= config.outageFailures() && lasted >= config.outageAfter().toNanos()) {
            open("the API looks down: " + n + " calls in a row failed over " + Duration.ofNanos(lasted).toMillis()
                    + " ms with no success, the last with " + e.getMessage());
            return true;
        }
        return false;
    }

    /** Opens the circuit (if closed): stop sending, pause the instance, start probing. */
    void open(String why) {
        if (!state.compareAndSet(CircuitState.CLOSED, CircuitState.OPEN)) {
            return;
        }
        reason = why;
        stats.circuitOpened();
        probeDelayMillis = config.probeInterval().toMillis();
        LOG.error("Circuit OPEN: {}. Sending stopped and processing paused (group membership kept, nothing is "
                + "dead-lettered); probing the API every {} ms until it answers.", why, probeDelayMillis);
        scheduler.schedule(() -> {
            try {
                control.pause();
            } catch (RuntimeException ex) {
                LOG.warn("Could not pause processing: {}", ex.toString());
            }
        }, Duration.ZERO);
        scheduleProbe();
    }

    /** A probe failed: probe again later, backing off. */
    void probeFailed(ZeroGpuException e) {
        long next = Math.min(probeDelayMillis * 2, config.maxProbeInterval().toMillis());
        probeDelayMillis = next;
        LOG.warn("Circuit still OPEN: probe failed with {}; next probe in {} ms", e.getMessage(), next);
        scheduleProbe();
    }

    /** The probe could not be sent now (no free slot): try again soon. */
    void probeDeferred() {
        scheduleProbe();
    }

    /** A probe succeeded (or there was nothing to probe with): close and resume. */
    void close(String why) {
        if (!state.compareAndSet(CircuitState.OPEN, CircuitState.CLOSED)) {
            return;
        }
        consecutiveOutageFailures.set(0);
        LOG.warn("Circuit CLOSED: {}; processing resumed", why);
        scheduler.schedule(() -> {
            try {
                control.resume();
            } catch (RuntimeException ex) {
                LOG.warn("Could not resume processing: {}", ex.toString());
            }
        }, Duration.ZERO);
    }

    private void scheduleProbe() {
        scheduler.schedule(() -> {
            if (isOpen()) {
                prober.run();
            }
        }, Duration.ofMillis(probeDelayMillis));
    }
}
