package dev.enricher.bench;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.time.Duration;

/**
 * The API every benchmark runs against: the in-process simulator answering every call after exactly the latency
 * asked for (or refusing it, with {@link ApiFaults}), and the client settings that talk to it: a fixed concurrency,
 * or with faults, the service's adaptive limit under that ceiling.
 */
final class SimulatedApi {
    /** The key the benchmarks' clients and contenders send; the simulator takes any. */
    static final String API_KEY = "zgpu-api-bench";

    private SimulatedApi() {
    }

    /**
     * Every call answered after exactly {@code latencyMs}, room for twice the calls in flight, no request log (a
     * benchmark measures the client or the pipeline, not the log).
     */
    static SimulatorConfig simulator(long latencyMs, int concurrency, int eventLoops) {
        return simulator(latencyMs, concurrency, eventLoops, FaultSettings.none());
    }

    /** As {@link #simulator(long, int, int)}, injecting {@code faults}. */
    static SimulatorConfig simulator(long latencyMs, int concurrency, int eventLoops, FaultSettings faults) {
        return SimulatorConfig.builder()
                .faults(faults)
                .fixedLatency(Duration.ofMillis(latencyMs))
                .maxConcurrency(Math.max(concurrency * 2, 1024))
                .queueCapacity(Math.max(concurrency * 4, 4096))
                .instances(eventLoops)
                .recentRequests(0)
                .build();
    }

    /** At most {@code concurrency} calls in flight, fixed (no adaptive limit), on {@code eventLoops} event loops. */
    static ClientConfig client(Simulator simulator, int concurrency, int eventLoops, RetryPolicy retry) {
        return client(simulator, concurrency, eventLoops, retry, false);
    }

    /**
     * At most {@code concurrency} calls in flight on {@code eventLoops} event loops; with {@code adaptive}, the
     * service's default, the limit lowered on overload under that ceiling ({@code Admission}).
     */
    static ClientConfig client(Simulator simulator, int concurrency, int eventLoops, RetryPolicy retry,
                               boolean adaptive) {
        return ClientConfig.builder()
                .baseUrl(simulator.baseUrl())
                .apiKey(ApiKey.of(API_KEY))
                .maxInFlight(concurrency)
                .adaptiveConcurrency(adaptive)
                .eventLoops(eventLoops)
                .retry(retry)
                .build();
    }
}
