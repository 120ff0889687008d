package dev.enricher.simulator;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides, per request, which fault (if any) it gets. Draws come from the seed and a request sequence
 * number mixed by SplitMix64, not from a shared {@code Random}: no contention between event loops, and the
 * n-th request of a run with the same seed always gets the same draw.
 */
final class FaultInjector {
    enum Fault { NONE, RATE_LIMIT, SERVER_ERROR, NO_ANSWER, RESET, MALFORMED, SLOW }

    /** One request's draws: the fault, and spare uniform values for the error status and latency. */
    record Draw(Fault fault, int serverErrorStatus, double gaussian) {
    }

    private final long seed;
    private final AtomicLong sequence = new AtomicLong();

    FaultInjector(long seed) {
        this.seed = seed;
    }

    Draw draw(FaultSettings f) {
        long n = sequence.getAndIncrement();
        double u = unit(mix(seed ^ mix(n * 3)));
        double u2 = unit(mix(seed ^ mix(n * 3 + 1)));
        double u3 = unit(mix(seed ^ mix(n * 3 + 2)));
        Fault fault = Fault.NONE;
        double edge = f.rateLimitRate();
        if (u < edge) {
            fault = Fault.RATE_LIMIT;
        } else if (u < (edge += f.serverErrorRate())) {
            fault = Fault.SERVER_ERROR;
        } else if (u < (edge += f.timeoutRate())) {
            fault = Fault.NO_ANSWER;
        } else if (u < (edge += f.resetRate())) {
            fault = Fault.RESET;
        } else if (u < (edge += f.malformedRate())) {
            fault = Fault.MALFORMED;
        } else if (u < edge + f.slowRate()) {
            fault = Fault.SLOW;
        }
        int status = f.serverErrorStatuses().get((int) (u2 * f.serverErrorStatuses().size()));
        // Box-Muller from u2/u3 for the latency draw; u2 is reused on purpose, its use above is independent enough.
        double g = Math.sqrt(-2 * Math.log(Math.max(u3, 1e-12))) * Math.cos(2 * Math.PI * u2);
        return new Draw(fault, status, g);
    }

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
