package dev.enricher.cli;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Drives the client at a fixed concurrency against the in-process simulator with a fixed latency
 * and compares the throughput with Little's law (at most C / L calls per second). Closed loop:
 * C chains of calls, each starting its next call when the previous one ends, so the client is
 * always exactly at its ceiling and the queue in front of it stays empty.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Benchmarks the ZeroGPU client against the in-process simulator; the last line is "
                + "'bench client: requests=N concurrency=C latency_ms=L throughput_rps=X efficiency=Y p50_ms=A p99_ms=B'.")
final class BenchClientCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated API latency in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "256", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests", defaultValue = "20000", description = "Measured requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Unmeasured requests first, so the JIT has compiled the hot path (default: a fifth of --requests, at least 20,000).")
    int warmup;

    @Option(names = "--event-loops", defaultValue = "2",
            description = "Event loops of the client, and of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (latencyMs < 0 || concurrency < 1 || requests < 1 || eventLoops < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--latency-ms must be >= 0, --concurrency, --requests and --event-loops >= 1");
        }
        int warm = warmup >= 0 ? warmup : Math.max(requests / 5, 20_000);
        SimulatorConfig simConfig = SimulatorConfig.builder()
                .fixedLatency(Duration.ofMillis(latencyMs))
                .maxConcurrency(Math.max(concurrency * 2, 1024))
                .queueCapacity(Math.max(concurrency * 4, 4096))
                .instances(eventLoops)
                .recentRequests(0) // no request log: the benchmark measures the client, not the log
                .build();
        try (Simulator simulator = Simulator.start(simConfig);
             ZeroGpuClient client = ZeroGpuClient.create(ClientConfig.builder()
                     .baseUrl(simulator.baseUrl())
                     .apiKey(ApiKey.of("zgpu-api-bench"))
                     .maxInFlight(concurrency)
                     .adaptiveConcurrency(false)
                     .eventLoops(eventLoops)
                     .retry(RetryPolicy.defaults().withMaxAttempts(1))
                     .build())) {
            ChatRequest request = ChatRequest.builder(ModelCatalog.IAB).user(SAMPLE_TEXT).build();
            out.printf("bench client: warming up with %d requests%n", warm);
            out.flush();
            run(client, request, warm, new ConcurrentHistogram(3));
            Histogram latency = new ConcurrentHistogram(3);
            long start = System.nanoTime();
            long failures = run(client, request, requests, latency);
            double seconds = (System.nanoTime() - start) / 1e9;
            double throughput = requests / seconds;
            double ceiling = latencyMs == 0 ? Double.NaN : concurrency / (latencyMs / 1000.0);
            double efficiency = throughput / ceiling;
            if (failures > 0) {
                out.printf("bench client: %d of %d requests failed%n", failures, requests);
            }
            out.println(String.format(Locale.ROOT,
                    "bench client: requests=%d concurrency=%d latency_ms=%d throughput_rps=%.0f efficiency=%.3f "
                            + "p50_ms=%.1f p99_ms=%.1f",
                    requests, concurrency, latencyMs, throughput, efficiency,
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0));
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    /** Runs {@code total} calls, {@code concurrency} at a time; returns how many failed. */
    private long run(ZeroGpuClient client, ChatRequest request, int total, Histogram latencyMicros)
            throws InterruptedException {
        AtomicLong toStart = new AtomicLong(total);
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        int chains = Math.min(concurrency, total);
        for (int i = 0; i < chains; i++) {
            next(client, request, toStart, failures, done, latencyMicros);
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("benchmark did not finish within 30 minutes");
        }
        return failures.get();
    }

    private void next(ZeroGpuClient client, ChatRequest request, AtomicLong toStart, AtomicLong failures,
                      CountDownLatch done, Histogram latencyMicros) {
        if (toStart.getAndDecrement() <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        client.complete(request).whenComplete((completion, error) -> {
            latencyMicros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
            if (error != null) {
                failures.incrementAndGet();
            }
            done.countDown();
            next(client, request, toStart, failures, done, latencyMicros);
        });
    }

    static final String SAMPLE_TEXT = "The home side clinched the championship with a late goal in extra time, "
            + "sending thousands of football fans into the streets. Analysts say the club's investment in young "
            + "players and a new training ground paid off, while ticket prices for next season are expected to rise.";
}
