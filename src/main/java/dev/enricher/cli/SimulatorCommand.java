package dev.enricher.cli;

import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.FollowupFormat;
import dev.enricher.simulator.LatencyProfile;
import dev.enricher.simulator.OverLimitMode;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher simulator}: runs the ZeroGPU simulator until Ctrl-C (or until the running thread is
 * interrupted, which is how tests stop it). The first line on stdout is {@code simulator listening on <url>}.
 * Exit code 0 after a clean stop, 2 when it cannot listen (port taken), 1 on a bad option value.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Runs a ZeroGPU-compatible API simulator (latency, limits and fault injection).")
final class SimulatorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Interface to bind (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "0", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--api-key", description = "Accept only this key (default: any key starting with zgpu-).")
    String apiKey;
    @Option(names = "--project-id", description = "Expected x-project-id; another value gets 403.")
    String projectId;
    @Option(names = "--auth-header", defaultValue = "x-api-key", description = "Header carrying the key (default: ${DEFAULT-VALUE}).")
    String authHeader;
    @Option(names = "--auth-scheme", description = "Scheme before the key, e.g. Bearer (with --auth-header Authorization).")
    String authScheme;
    @Option(names = "--latency-ms", description = "Fixed latency for every model, overriding the per-model distributions.")
    Long latencyMs;
    @Option(names = "--latency", paramLabel = "MODEL=MEDIAN_MS:P99_MS",
            description = "Latency distribution of one model (log-normal from its median and 99th percentile), "
                    + "e.g. --latency gliner-multi-pii-v1=300:900; MODEL '*' sets the default for every other model. "
                    + "Repeatable.")
    List<String> latencySpecs = new ArrayList<>();
    @Option(names = "--seed", defaultValue = "42", description = "Seed of fault and latency draws (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--max-concurrency", defaultValue = "4096", description = "Requests served at once (default: ${DEFAULT-VALUE}).")
    int maxConcurrency;
    @Option(names = "--queue-capacity", defaultValue = "8192", description = "Requests waiting for a slot before 503 (default: ${DEFAULT-VALUE}).")
    int queueCapacity;
    @Option(names = "--instances", description = "Server event loops (default: number of cores).")
    Integer instances;
    @Option(names = "--unknown-model-status", defaultValue = "404", description = "404 or 400 for a model not in the catalog (default: ${DEFAULT-VALUE}).")
    int unknownModelStatus;
    @Option(names = "--over-limit", defaultValue = "ERROR_420", description = "Input over a model's limit: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OverLimitMode overLimit;
    @Option(names = "--followup-format", defaultValue = "JSON_ARRAY", description = "Follow-up questions as ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    FollowupFormat followupFormat;
    @Option(names = "--json-fault-rate", defaultValue = "0", description = "Share of structured answers (a chat "
            + "model asked for JSON matching a JSON Schema) that are broken JSON, JSON wrapped in prose, or JSON off "
            + "the schema, a third each, chosen by the request's content; repairs are always valid (default: ${DEFAULT-VALUE}).")
    double jsonFaultRate;
    @Option(names = "--hold-limit-ms", defaultValue = "120000", description = "Longest a no-answer request is held (default: ${DEFAULT-VALUE}).")
    long holdLimitMs;
    @Option(names = "--rate-limit-rate", defaultValue = "0", description = "Share of requests answered 429 rate_limit_exceeded.")
    double rateLimitRate;
    @Option(names = "--retry-after", defaultValue = "1", description = "Retry-After seconds on 429 (default: ${DEFAULT-VALUE}).")
    int retryAfter;
    @Option(names = "--server-error-rate", defaultValue = "0", description = "Share of requests answered 500/502/503/504.")
    double serverErrorRate;
    @Option(names = "--timeout-rate", defaultValue = "0", description = "Share of requests never answered.")
    double timeoutRate;
    @Option(names = "--reset-rate", defaultValue = "0", description = "Share of requests whose connection is reset.")
    double resetRate;
    @Option(names = "--malformed-rate", defaultValue = "0", description = "Share of requests answered 200 with broken JSON.")
    double malformedRate;
    @Option(names = "--slow-rate", defaultValue = "0", description = "Share of requests answered 200 only after --slow-ms more.")
    double slowRate;
    @Option(names = "--slow-ms", defaultValue = "0", description = "Extra latency of a slow answer, ms (default: ${DEFAULT-VALUE}).")
    long slowMs;
    @Option(names = "--rps", defaultValue = "0", description = "Requests per second accepted; above it 429 (0 = no limit).")
    double rps;
    @Option(names = "--outage", description = "Answer every request 503.")
    boolean outage;
    @Option(names = "--quota-exhausted", description = "Answer every request insufficient_quota.")
    boolean quotaExhausted;
    @Option(names = "--quota-status", defaultValue = "429", description = "Status of insufficient_quota: 429 or 420 (default: ${DEFAULT-VALUE}).")
    int quotaStatus;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimulatorConfig config;
        try {
            FaultSettings faults = new FaultSettings(rateLimitRate, retryAfter, serverErrorRate, null, timeoutRate,
                    resetRate, malformedRate, rps, outage, quotaExhausted, quotaStatus, slowRate, slowMs);
            SimulatorConfig.Builder b = SimulatorConfig.builder().host(host).port(port).acceptedApiKey(apiKey)
                    .projectId(projectId).authHeader(authHeader).authScheme(authScheme).seed(seed)
                    .maxConcurrency(maxConcurrency).queueCapacity(queueCapacity)
                    .unknownModelStatus(unknownModelStatus).overLimitMode(overLimit).followupFormat(followupFormat)
                    .jsonFaultRate(jsonFaultRate)
                    .holdLimit(Duration.ofMillis(holdLimitMs)).faults(faults);
            if (instances != null) {
                b.instances(instances);
            }
            LatencyProfile latency = LatencyProfile.defaults();
            for (String spec : latencySpecs) {
                latency = LatencySpec.parse(spec).applyTo(latency);
            }
            if (latencyMs != null) {
                latency = latency.withFixed(Duration.ofMillis(latencyMs));
            }
            b.latency(latency);
            config = b.build();
        } catch (IllegalArgumentException e) {
            err.println("simulator: " + e.getMessage());
            err.flush();
            return 1;
        }
        Simulator simulator;
        try {
            simulator = Simulator.start(config);
        } catch (IllegalStateException e) {
            err.println("simulator: " + e.getMessage());
            err.flush();
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (StopOnSignal signal = StopOnSignal.install("simulator-shutdown", stop::countDown, Duration.ofSeconds(15));
             simulator) {
            out.println("simulator listening on " + simulator.baseUrl());
            String root = simulator.baseUrl().substring(0, simulator.baseUrl().length() - "/v1".length());
            out.println("admin: GET/PUT " + root + "/admin/faults, GET " + root + "/admin/stats, POST " + root
                    + "/admin/stats/reset; Ctrl-C stops");
            out.flush();
            stop.await();
        } catch (InterruptedException e) {
            // Stopped from inside the JVM (tests): the simulator is closed; keep the interrupt for the caller.
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
