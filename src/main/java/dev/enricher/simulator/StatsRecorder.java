package dev.enricher.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Lock-free counters behind {@link SimulatorStats}; every method may be called from any thread. */
final class StatsRecorder {
    private final LongAdder requests = new LongAdder();
    private final ConcurrentHashMap<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder resets = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();

    void arrived() {
        requests.increment();
        int now = inFlight.incrementAndGet();
        // Cheap read first: the CAS loop only runs while a new maximum is being set.
        if (now > maxInFlight.get()) {
            maxInFlight.accumulateAndGet(now, Math::max);
        }
    }

    void departed() {
        inFlight.decrementAndGet();
    }

    void status(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    void reset() {
        resets.increment();
    }

    void timeout() {
        timeouts.increment();
    }

    void malformed() {
        malformed.increment();
    }

    void overloaded() {
        overloaded.increment();
    }

    void heldChanged(int delta) {
        held.addAndGet(delta);
    }

    SimulatorStats snapshot(int queued) {
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                statuses.put(k, n);
            }
        });
        return new SimulatorStats(requests.sum(), statuses, resets.sum(), timeouts.sum(), malformed.sum(),
                overloaded.sum(), inFlight.get(), maxInFlight.get(), queued, held.get());
    }

    /** Zeroes the counters; in-flight requests stay counted, and the maximum restarts from them. */
    void clear() {
        requests.reset();
        byStatus.values().forEach(LongAdder::reset);
        resets.reset();
        timeouts.reset();
        malformed.reset();
        overloaded.reset();
        maxInFlight.set(inFlight.get());
    }
}
