package dev.enricher.bench;

import dev.enricher.simulator.Simulator;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The adaptive concurrency limit over a benchmark's measured phase, sampled every {@value #PERIOD_MS} ms: its lowest
 * and mean value, and, when {@link ApiFaults#storm()} is set, the storm itself (every call answered 429 from
 * {@link ApiFaults#STORM_AFTER} into the phase, for the storm's duration) with how long the limit took to halve after
 * the storm began and to be back at its maximum after it ended.
 *
 * <p>Runs on a daemon thread of its own from {@link #start} to {@link #close}. Thread-safe.
 */
final class LimitTrace implements AutoCloseable {
    static final int PERIOD_MS = 10;

    private final IntSupplier limit;
    private final int max;
    private final ApiFaults faults;
    private final Simulator simulator;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-limit-trace");
        t.setDaemon(true);
        return t;
    });
    // Guarded by this.
    private int lowest;
    private long sum;
    private long samples;
    private long stormFrom = -1;
    private long stormTo = -1;
    private long halvedAt = -1;
    private long recoveredAt = -1;

    private LimitTrace(IntSupplier limit, int max, ApiFaults faults, Simulator simulator) {
        this.limit = limit;
        this.max = max;
        this.faults = faults;
        this.simulator = simulator;
        this.lowest = max;
    }

    /** Starts sampling {@code limit} (at most {@code max}) now, and the storm of {@code faults} on {@code simulator}. */
    static LimitTrace start(IntSupplier limit, int max, ApiFaults faults, Simulator simulator) {
        LimitTrace t = new LimitTrace(limit, max, faults, simulator);
        t.timer.scheduleAtFixedRate(t::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
        if (!faults.storm().isZero()) {
            long from = ApiFaults.STORM_AFTER.toNanos();
            t.timer.schedule(() -> {
                simulator.faults(faults.stormSettings());
                t.stormBegan();
            }, from, TimeUnit.NANOSECONDS);
            t.timer.schedule(() -> {
                simulator.faults(faults.settings());
                t.stormEnded();
            }, from + faults.storm().toNanos(), TimeUnit.NANOSECONDS);
        }
        return t;
    }

    private synchronized void stormBegan() {
        stormFrom = System.nanoTime();
    }

    private synchronized void stormEnded() {
        stormTo = System.nanoTime();
    }

    private void sample() {
        int now = limit.getAsInt();
        long t = System.nanoTime();
        synchronized (this) {
            lowest = Math.min(lowest, now);
            sum += now;
            samples++;
            if (stormFrom >= 0 && halvedAt < 0 && now <= max / 2) {
                halvedAt = t;
            }
            if (stormTo >= 0 && recoveredAt < 0 && now >= max) {
                recoveredAt = t;
            }
        }
    }

    /**
     * {@code limit_min=N limit_mean=M}, and with a storm {@code limit_halved_after_ms=A limit_recovered_after_ms=B}
     * (from the storm's start, from its end; -1 when it did not happen within the phase).
     */
    synchronized String summary() {
        String s = String.format(Locale.ROOT, "limit_min=%d limit_mean=%.0f", lowest,
                samples == 0 ? Double.NaN : (double) sum / samples);
        if (stormFrom < 0) {
            return s;
        }
        return s + String.format(Locale.ROOT, " limit_halved_after_ms=%d limit_recovered_after_ms=%d",
                millisBetween(stormFrom, halvedAt), millisBetween(stormTo, recoveredAt));
    }

    /** True when a storm was asked for and the phase ended before the storm did. */
    synchronized boolean stormCutShort() {
        return !faults.storm().isZero() && stormTo < 0;
    }

    private static long millisBetween(long from, long to) {
        return from < 0 || to < 0 ? -1 : Duration.ofNanos(to - from).toMillis();
    }

    /** Stops sampling; a storm still going is ended (the simulator gets the faults outside the storm back). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (stormFrom >= 0 && stormTo < 0) {
                simulator.faults(faults.settings());
            }
        }
    }
}
