package dev.enricher.simulator;

import dev.enricher.client.ModelSpec;
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
        this.answers = new AnswerGenerators(config.catalog(), config.followupFormat(), config.jsonFaultRate());
        this.faults = new AtomicReference<>(config.faults());
    }

    FaultSettings faults() {
        return faults.get();
    }

    void faults(FaultSettings f) {
        faults.set(Objects.requireNonNull(f, "fault settings"));
    }

    /** A request's model, prompt tokens and answer content. */
    record Answer(String model, int promptTokens, String content) {
    }

    /**
     * Validates a request body and generates its answer: a pure function of the body (the generators are
     * deterministic and the configuration is fixed), with no fault, count or latency.
     *
     * @throws ApiException for what a client did wrong (bad JSON, unknown model, input over the model's limit when
     *                      the over-limit mode says so)
     */
    Answer answer(byte[] body) {
        ChatInput input = RequestParser.parse(body);
        String model = input.model();
        ModelSpec spec = config.catalog().find(model).orElse(null);
        AnswerGenerator generator = answers.forModel(model);
        if (spec == null || generator == null) {
            throw new ApiException(ApiError.unknownModel(model, config.unknownModelStatus()));
        }
        ChatInput limited = applyLimit(input, spec);
        return new Answer(model, limited.promptTokens(), generator.answer(limited));
    }

    private ChatInput applyLimit(ChatInput input, ModelSpec spec) {
        int tokens = input.promptTokens();
        int limit = spec.inputLimitTokens();
        if (tokens <= limit) {
            return input;
        }
        return switch (config.overLimitMode()) {
            case TRUNCATE -> input.truncatedTo(limit);
            case ERROR_400 -> throw new ApiException(ApiError.contextLength(400, spec.id(), limit, tokens));
            case ERROR_420 -> throw new ApiException(ApiError.contextLength(420, spec.id(), limit, tokens));
        };
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
