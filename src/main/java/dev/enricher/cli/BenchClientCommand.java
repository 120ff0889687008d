package dev.enricher.cli;

import dev.enricher.bench.ClientBenchmark;
import dev.enricher.client.ClientConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher bench client}: the client at a fixed concurrency against the in-process simulator with a
 * fixed latency, against Little's law. Parses and validates; the run is {@link ClientBenchmark}'s.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Benchmarks the ZeroGPU client against the in-process simulator; the last line is "
                + "'bench client: requests=N concurrency=C latency_ms=L throughput_rps=X efficiency=Y p50_ms=A p99_ms=B "
                + "rate_limit_rate=P server_error_rate=Q rps=R storm_ms=S answered_429=F limit_min=M limit_mean=K "
                + "[limit_halved_after_ms=H limit_recovered_after_ms=R, with --storm] http_version=V connections=N "
                + "cpu_us_per_request=U peak_heap_mb=M'.",
            "With faults (--rate-limit-rate, --server-error-rate, --rps, --storm) the client retries with the "
                + "service's defaults (Retry-After honoured) and runs the adaptive limit under --concurrency; 2C "
                + "chains of calls keep the slots busy while some calls wait for a retry."})
final class BenchClientCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated API latency in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "256", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests", defaultValue = "20000", description = "Measured requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Unmeasured requests first, so the JIT has compiled the hot path (default: a fifth of "
                    + "--requests, at least 20,000, then more rounds until the JIT compilers are nearly idle, at most "
                    + ClientBenchmark.WARMUP_LIMIT_SECONDS + " s).")
    int warmup;

    @Option(names = "--event-loops", defaultValue = "2",
            description = "Event loops of the client, and of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--http-version", paramLabel = "1.1|2",
            description = "HTTP version of the client's connections: 1.1 (one call per connection at a time) or 2 "
                    + "(calls multiplexed, h2c; the simulator speaks both) (default: the service's, api.http-version).")
    String httpVersion;

    @Mixin
    ApiFaultOptions faults;

    @Override
    public Integer call() throws Exception {
        if (latencyMs < 0 || concurrency < 1 || requests < 1 || eventLoops < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--latency-ms must be >= 0, --concurrency, --requests and --event-loops >= 1");
        }
        ClientConfig.HttpVersion version;
        try {
            version = httpVersion == null ? ClientConfig.HttpVersion.DEFAULT : ClientConfig.HttpVersion.of(httpVersion);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--http-version: " + e.getMessage());
        }
        return new ClientBenchmark(new ClientBenchmark.Options(latencyMs, concurrency, requests, warmup, eventLoops,
                faults.faults(spec), version), spec.commandLine().getOut()).run();
    }
}
