package dev.enricher.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * The arrival times of an open-loop load ({@code bench pipeline --open-loop}): a Poisson process of
 * {@code eventsPerSecond}, i.e. independent exponential inter-arrival times of mean 1 / rate, drawn with
 * {@link SplittableRandom#nextExponential} from {@code seed}. The n-th arrival is due at the start plus the sum of the
 * first n draws, whatever happened meanwhile: a send that went out late does not push the later ones back (no drift),
 * and the times depend only on the rate, the seed and n.
 *
 * <p>{@link #awaitNext} paces a producer by the schedule: it parks until the next arrival is due, or returns at once
 * when that is already past (the late event goes out immediately), and keeps how late the producer itself was: the
 * time from an arrival's due time to the moment it was handed over, a figure the caller reports apart so that a
 * generator too slow for the rate is not mistaken for the pipeline's latency.
 *
 * <p>The clock and the parking are given, so that tests can move time by hand. Not thread-safe: one producer thread.
 */
final class OpenLoopSchedule {
    /** Parks the calling thread for about the given nanoseconds (it may return early). */
    @FunctionalInterface
    interface Parker {
        void park(long nanos) throws InterruptedException;
    }

    /**
     * A real-time parker: {@link LockSupport#parkNanos}, precise to tens of microseconds on Linux (Thread.sleep rounds
     * to whole milliseconds, as long as the mean gap at the benchmark's rates). It may return early, which
     * {@link #awaitNext} allows for.
     */
    static final Parker PARK = LockSupport::parkNanos;

    private final double eventsPerSecond;
    private final SplittableRandom random;
    private final LongSupplier nanoClock;
    private final Parker parker;
    private final long startNanos;
    /** Sum of the draws so far, in nanoseconds; a double, so that rounding never accumulates. */
    private double sumNanos;
    private long scheduled;
    private final Histogram lateMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private long lateOverOneMs;

    /**
     * @param eventsPerSecond the arrival rate, positive and finite
     * @param seed            of the inter-arrival draws
     * @param nanoClock       the clock, {@link System#nanoTime} in a run; its value now is the start
     * @param parker          how to wait for a due time ({@link #PARK} in a run)
     */
    OpenLoopSchedule(double eventsPerSecond, long seed, LongSupplier nanoClock, Parker parker) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("the arrival rate must be positive and finite, was " + eventsPerSecond);
        }
        this.eventsPerSecond = eventsPerSecond;
        this.random = new SplittableRandom(seed);
        this.nanoClock = nanoClock;
        this.parker = parker;
        this.startNanos = nanoClock.getAsLong();
    }

    /** A schedule on the real clock, starting now. */
    static OpenLoopSchedule startingNow(double eventsPerSecond, long seed) {
        return new OpenLoopSchedule(eventsPerSecond, seed, System::nanoTime, PARK);
    }

    double eventsPerSecond() {
        return eventsPerSecond;
    }

    /** The clock's value when the schedule began: arrival offsets count from it. */
    long startNanos() {
        return startNanos;
    }

    /**
     * The next inter-arrival time in nanoseconds, an exponential draw of mean 1e9 / rate. Advances the schedule: the
     * next {@link #nextOffsetNanos} is the previous one plus this draw (before rounding).
     */
    double nextInterArrivalNanos() {
        double gap = random.nextExponential() * 1e9 / eventsPerSecond;
        sumNanos += gap;
        scheduled++;
        return gap;
    }

    /** Draws the next arrival and returns its due time as nanoseconds after the start: the sum of all draws, rounded. */
    long nextOffsetNanos() {
        nextInterArrivalNanos();
        return Math.round(sumNanos);
    }

    /**
     * Draws the next arrival, waits until it is due (not at all when it is past) and returns its offset from the start
     * in nanoseconds. Records how late the caller was: now minus the due time, when positive.
     */
    long awaitNext() throws InterruptedException {
        long offset = nextOffsetNanos();
        long due = startNanos + offset;
        long now = nanoClock.getAsLong();
        while (now - due < 0) {
            parker.park(due - now);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            now = nanoClock.getAsLong();
        }
        long late = now - due;
        lateMicros.recordValue(Math.min(lateMicros.getHighestTrackableValue(), late / 1000));
        if (late > TimeUnit.MILLISECONDS.toNanos(1)) {
            lateOverOneMs++;
        }
        return offset;
    }

    /** Arrivals drawn so far. */
    long scheduled() {
        return scheduled;
    }

    /** How late the caller was at each {@link #awaitNext}, microseconds (0 when on time). */
    Histogram lateMicros() {
        return lateMicros;
    }

    /** Arrivals handed over more than 1 ms after they were due. */
    long lateOverOneMs() {
        return lateOverOneMs;
    }
}
