package dev.enricher.simulator;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every server verticle shares: configuration, current faults, counters, limits and held requests.
 * Thread-safe without locks: immutable parts, an atomic reference for the faults, lock-free structures elsewhere.
 */
final class SimulatorState {
    final SimulatorConfig config;
    final StatsRecorder stats = new StatsRecorder();
    final TokenBucket bucket = new TokenBucket(System::nanoTime);
    final ConcurrencyGate gate;
    final FaultInjector injector;
    final RequestLog log;
    final AnswerGenerators answers;
    final AnswerCache answerCache = new AnswerCache(4_096);
    final Set<Exchange> held = ConcurrentHashMap.newKeySet();
    private final AtomicReference<FaultSettings> faults;
    private volatile int port;

    SimulatorState(SimulatorConfig config) {
        this.config = config;
        this.gate = new ConcurrencyGate(config.maxConcurrency(), config.queueCapacity());
        this.injector = new FaultInjector(config.seed());
        this.log = new RequestLog(config.recentRequests());
        this.answers = new AnswerGenerators(config.catalog(), config.followupFormat());
        this.faults = new AtomicReference<>(config.faults());
    }

    FaultSettings faults() {
        return faults.get();
    }

    void faults(FaultSettings f) {
        faults.set(Objects.requireNonNull(f, "fault settings"));
    }

    long latencyMillis(String model, double gaussian) {
        LatencyProfile p = config.latency();
        return p.fixed() != null ? p.fixed().toMillis() : p.forModel(model).sampleMillis(gaussian);
    }

    SimulatorStats stats() {
        return stats.snapshot(gate.waiting());
    }

    int port() {
        return port;
    }

    void port(int p) {
        this.port = p;
    }
}
