package dev.enricher.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Unmeasured load until the JIT compilers are nearly idle, so that a measured phase sees compiled code and no
 * compiler threads competing for the cores: after a first fixed amount, steps of load in rounds, until a round in
 * which the JIT used less than {@link #QUIET_SHARE} of what it is compared with (the process's CPU, or one core),
 * at least {@code least} and at most {@code most} after the start. A fixed number of events is not enough: on 2 cores
 * C2 was still compiling the hot path after 20,000 calls, and its CPU and the code not yet compiled cost about a tenth
 * of the measured throughput.
 *
 * <p>A meter that cannot read the JIT (a child JVM that does not report it) counts as quiet once {@code least} has
 * passed: the minimum is all that can be done for it.
 *
 * <p>Time comes from the ticker given; one run at a time, on the calling thread (the steps run on it).
 */
final class JitWarmUp {
    /** Quiet: the JIT used less than this share of its base over a round. */
    static final double QUIET_SHARE = 0.02;

    /**
     * The JIT's time so far and the time it is compared with, both in ns.
     *
     * @param jitNanos  negative when the JIT's time is not known
     */
    record Reading(long jitNanos, long baseNanos) {
        boolean known() {
            return jitNanos >= 0;
        }
    }

    /** Reads the JIT; {@code nowNanos} is the warm-up's ticker at the moment of the reading. */
    @FunctionalInterface
    interface Meter {
        Reading read(long nowNanos);
    }

    /** Share of this process's CPU: the compiler threads' CPU time against the whole process's ({@link CpuSnapshot}). */
    static Meter shareOfProcessCpu() {
        return now -> {
            CpuSnapshot s = CpuSnapshot.ofThisProcess();
            return new Reading(s.jitNanos(), s.processNanos());
        };
    }

    /**
     * Share of one core: compilation time as a JVM reports it (e.g. a child's {@code CompilationMXBean}) against wall
     * time.
     *
     * @param jitMillis the total compilation time so far in ms, negative when not (yet) reported
     */
    static Meter shareOfACore(LongSupplier jitMillis) {
        return now -> {
            long ms = jitMillis.getAsLong();
            return new Reading(ms < 0 ? -1 : ms * 1_000_000, now);
        };
    }

    /** One step of load; returns how many units (requests, events) it put through. */
    @FunctionalInterface
    interface Step {
        long run() throws InterruptedException;
    }

    /**
     * How a warm-up ended.
     *
     * @param units     put through by all steps, the first included
     * @param nanos     from the start of the first step to the end
     * @param lastShare the JIT's share in the last round measured; NaN when no round was measured or the meter could
     *                  not read the JIT
     */
    record Outcome(long units, long nanos, double lastShare) {
        double seconds() {
            return nanos / 1e9;
        }

        double lastShareOr(double none) {
            return Double.isNaN(lastShare) ? none : lastShare;
        }
    }

    private final long leastNanos;
    private final long mostNanos;
    private final long roundNanos;
    private final Meter meter;
    private final LongSupplier ticker;

    /**
     * @param least  no stop before this, quiet or not
     * @param most   no further step after this
     * @param round  least duration of a round; zero: every step is a round
     * @param ticker {@link System#nanoTime} or a test's
     */
    JitWarmUp(Duration least, Duration most, Duration round, Meter meter, LongSupplier ticker) {
        this.leastNanos = least.toNanos();
        this.mostNanos = Math.max(least.toNanos(), most.toNanos());
        this.roundNanos = round.toNanos();
        this.meter = meter;
        this.ticker = ticker;
    }

    /**
     * Runs {@code first} once, then {@code step} until the JIT is quiet or the time is up.
     *
     * @throws InterruptedException  from a step
     * @throws IllegalStateException or whatever else a step throws, as it is
     */
    Outcome run(Step first, Step step) throws InterruptedException {
        long start = ticker.getAsLong();
        long units = first.run();
        long roundStart = ticker.getAsLong();
        Reading roundReading = meter.read(roundStart);
        double share = Double.NaN;
        while (ticker.getAsLong() - start < mostNanos) {
            units += step.run();
            long now = ticker.getAsLong();
            if (now - roundStart < roundNanos) {
                continue;
            }
            Reading reading = meter.read(now);
            share = share(roundReading, reading);
            if (now - start >= leastNanos && (share < QUIET_SHARE || !reading.known())) {
                break;
            }
            roundStart = now;
            roundReading = reading;
        }
        return new Outcome(units, ticker.getAsLong() - start, share);
    }

    /** The JIT's share of the base between two readings: NaN when either does not know the JIT, 0 for no base. */
    static double share(Reading from, Reading to) {
        if (!from.known() || !to.known()) {
            return Double.NaN;
        }
        long base = to.baseNanos() - from.baseNanos();
        return base <= 0 ? 0 : (double) (to.jitNanos() - from.jitNanos()) / base;
    }
}
