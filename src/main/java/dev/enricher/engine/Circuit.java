package dev.enricher.engine;

import dev.enricher.client.FailureKind;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.client.ZeroGpuException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance-wide circuit breaker. It opens on an OPERATOR error (401, 403, quota: only a person can fix those),
 * on a sustained OUTAGE ({@code outageFailures} consecutive outage-like failures lasting {@code outageAfter}), or when
 * a spend BUDGET is used up ({@link CircuitCause}). While open the instance is paused through {@link InstanceControl}
 * so no more input is admitted, and the dispatcher sends nothing. For an error or an outage it sends one probe at a
 * time, and a successful probe closes the circuit and resumes the instance; a budget is not a fault, so nothing is
 * probed and only the end of the budget's window closes it.
 *
 * <p>The first cause wins: while open for one cause, another neither re-opens nor closes it.
 *
 * <p>Thread-safe without locks: the state is one immutable {@link Opening} (null when closed) swapped with
 * compare-and-set. Pausing, resuming, probing and the budget's checks run on the {@link Scheduler}'s thread: never on
 * a stream thread (paused threads run nothing, so they could not resume themselves) nor on an event loop. Time comes
 * from the {@link Ticker} (the outage window), the scheduler (probes, budget checks) and, for budgets, the wall
 * {@link Clock} their UTC windows are read on, so tests move it.
 */
final class Circuit {
    private static final Logger LOG = LoggerFactory.getLogger(Circuit.class);

    private final EngineConfig config;
    private final EngineStats stats;
    private final Ticker ticker;
    private final Scheduler scheduler;
    /** Floor of a budget re-check: a wall clock behind the scheduler's time must not make the check spin. */
    private static final Duration MIN_BUDGET_RECHECK = Duration.ofSeconds(1);

    /** Why the circuit is open; compared by identity, so a stale budget check can tell its opening has ended. */
    private record Opening(CircuitCause cause, String reason) {
    }

    /** The current opening; null when closed. */
    private final AtomicReference<Opening> opening = new AtomicReference<>();
    private final AtomicInteger consecutiveOutageFailures = new AtomicInteger();
    private volatile long firstOutageFailureNanos;
    private volatile InstanceControl control = InstanceControl.NONE;
    private volatile Runnable prober = () -> { };
    private volatile Runnable afterClose = () -> { };
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

    /**
     * Set before start: what sends the calls that waited, once the circuit has closed and the instance is resumed (the
     * dispatcher's pump). Runs on the scheduler's thread after every close; needed for a budget's close, which no
     * answer accompanies to refill the slots.
     */
    void afterClose(Runnable r) {
        this.afterClose = Objects.requireNonNull(r, "afterClose");
    }

    boolean isOpen() {
        return opening.get() != null;
    }

    CircuitState state() {
        return isOpen() ? CircuitState.OPEN : CircuitState.CLOSED;
    }

    /** Why the circuit is open; null when closed. */
    String reason() {
        Opening o = opening.get();
        return o == null ? null : o.reason();
    }

    /** What opened the circuit; null when closed. */
    CircuitCause cause() {
        Opening o = opening.get();
        return o == null ? null : o.cause();
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
            open(CircuitCause.OUTAGE, "the API looks down: " + n + " calls in a row failed over " + Duration.ofNanos(lasted).toMillis()
                    + " ms with no success, the last with " + e.getMessage());
            return true;
        }
        return false;
    }

    /** Opens the circuit for an {@link CircuitCause#OPERATOR} error (if closed): see {@link #open(CircuitCause, String)}. */
    void open(String why) {
        open(CircuitCause.OPERATOR, why);
    }

    /**
     * Opens the circuit (if closed) for an error or an outage: stop sending, pause the instance, start probing. Any
     * thread.
     *
     * @param cause {@link CircuitCause#OPERATOR} or {@link CircuitCause#OUTAGE}
     * @throws IllegalArgumentException for {@link CircuitCause#BUDGET}, which only {@link #openForBudget} opens (it
     *                                  alone knows when to close)
     */
    void open(CircuitCause cause, String why) {
        Objects.requireNonNull(cause, "cause");
        if (cause == CircuitCause.BUDGET) {
            throw new IllegalArgumentException("a budget opens the circuit through openForBudget, not open(" + cause
                    + ", ...)");
        }
        if (!opening.compareAndSet(null, new Opening(cause, why))) {
            return;
        }
        stats.circuitOpened();
        probeDelayMillis = config.probeInterval().toMillis();
        LOG.error("Circuit OPEN ({}): {}. Sending stopped and processing paused (group membership kept, nothing is "
                + "dead-lettered); probing the API every {} ms until it answers.", cause, why, probeDelayMillis);
        schedulePause();
        scheduleProbe();
    }

    /**
     * Opens the circuit for {@link CircuitCause#BUDGET} if {@code budget} is used up now and the circuit is closed:
     * stop sending and pause the instance as {@link #open} does, but send no probes; a check on the scheduler at the
     * end of the spent window closes it and resumes the instance, or waits for the next end if a budget is still spent
     * then (the day's, after the hour's). Does nothing when the budget has money left, or when the circuit is already
     * open for any cause (the dispatcher asks again on later spend). Any thread: the dispatcher calls it after
     * recording a call's cost.
     *
     * @param clock the wall clock the budget's UTC windows are read on
     */
    void openForBudget(SpendBudget budget, Clock clock) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(clock, "clock");
        long now = clock.millis();
        long until = budget.exhaustedUntil(now);
        if (until < 0 || isOpen()) {
            return;
        }
        Opening o = new Opening(CircuitCause.BUDGET, "BUDGET: " + budget.describe(now));
        if (!opening.compareAndSet(null, o)) {
            return;
        }
        stats.circuitOpened();
        // WARN, not ERROR: the service does what it was told to; nobody has to act.
        LOG.warn("Circuit OPEN: {}. Sending stopped and processing paused until then (group membership kept); nothing "
                + "is lost or dead-lettered: the waiting records are processed when it resumes.", o.reason());
        schedulePause();
        scheduleBudgetCheck(o, budget, clock, Duration.ofMillis(until - now));
    }

    /** A probe failed: probe again later, backing off. */
    void probeFailed(ZeroGpuException e) {
        if (!probing()) {
            return; // closed, or a budget opened it meanwhile: nothing to probe for
        }
        long next = Math.min(probeDelayMillis * 2, config.maxProbeInterval().toMillis());
        probeDelayMillis = next;
        LOG.warn("Circuit still OPEN: probe failed with {}; next probe in {} ms", e.getMessage(), next);
        scheduleProbe();
    }

    /** The probe could not be sent now (no free slot): try again soon. */
    void probeDeferred() {
        scheduleProbe();
    }

    /**
     * A probe succeeded (or there was nothing to probe with): close and resume. Does nothing while a budget holds the
     * circuit open: a probe answered says the API is up, not that there is money to spend.
     */
    void close(String why) {
        Opening o = opening.get();
        if (o == null || o.cause() == CircuitCause.BUDGET) {
            return;
        }
        closeIfStill(o, why);
    }

    private void closeIfStill(Opening o, String why) {
        if (!opening.compareAndSet(o, null)) {
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
            afterClose.run();
        }, Duration.ZERO);
    }

    /** Open for an error or an outage: the causes probes are for. */
    private boolean probing() {
        Opening o = opening.get();
        return o != null && o.cause() != CircuitCause.BUDGET;
    }

    private void schedulePause() {
        scheduler.schedule(() -> {
            try {
                control.pause();
            } catch (RuntimeException ex) {
                LOG.warn("Could not pause processing: {}", ex.toString());
            }
        }, Duration.ZERO);
    }

    private void scheduleProbe() {
        scheduler.schedule(() -> {
            // Also a probe scheduled for an outage that has closed since, while a budget holds the circuit: none.
            if (probing()) {
                prober.run();
            }
        }, Duration.ofMillis(probeDelayMillis));
    }

    /** Checks, {@code delay} from now, whether {@code o}'s budget has money again: closes, or checks again later. */
    private void scheduleBudgetCheck(Opening o, SpendBudget budget, Clock clock, Duration delay) {
        scheduler.schedule(() -> {
            if (opening.get() != o) {
                return;
            }
            long now = clock.millis();
            long until = budget.exhaustedUntil(now);
            if (until < 0) {
                closeIfStill(o, "the budget's window ended (" + budget.describe(now) + ")");
                return;
            }
            Duration next = Duration.ofMillis(until - now);
            if (next.compareTo(MIN_BUDGET_RECHECK) < 0) {
                next = MIN_BUDGET_RECHECK;
            }
            LOG.info("Circuit still OPEN: {}", budget.describe(now));
            scheduleBudgetCheck(o, budget, clock, next);
        }, delay);
    }
}
