package dev.enricher.cli;

import dev.enricher.bench.ScaleBenchmark;
import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher bench scale}: 1, 2, 4 ... instances of the service (each the {@code run} command in a child
 * JVM, one consumer group) at an API latency where the API is the limit: throughput against instances, nothing lost
 * or duplicated, and the time a new instance takes to carry its share. Parses and validates; the runs, the CSV and
 * the plot are {@link ScaleBenchmark}'s.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Scale-out: runs N instances of the service for each N of --instances, each the real 'run' command "
                + "(dev.enricher.cli.Main run --config <generated file>) in a JVM of its own, all with the same "
                + "application id (one consumer group) on one input topic of --partitions partitions, fresh topics per "
                + "N. Each instance: engine.max-in-flight = --concurrency, one iab call per event, stored call results "
                + "off, the given guarantee, everything else the service's defaults. The broker, the simulator "
                + "(every call answered after exactly --latency-ms), a schema registry over HTTP, a closed-loop load "
                + "of --window-factor x N x C unfinished events and a read_committed reader stay in this JVM.",
            "Per N: N - 1 instances start under the load (one when N = 1); once they run and produce, and --settle "
                + "more, the N-th instance is launched (the join, timed from its JVM's launch: its 'running' line, its "
                + "first /health/ready, its first enriched record, and the end of the first trailing window of 2 L, "
                + "at least 1 s, after that first record in which the aggregate throughput reached 0.9 of the N instances' steady rate); "
                + "once all are ready, and --settle more, and once the throughput reached 0.9 of N x C / L (at most "
                + "--max-settle more), the steady window of --duration (rounded up to whole L): "
                + "throughput, efficiency = throughput / (N x C / L), scaling = throughput / (throughput of the first "
                + "N / its N), scaling per instance = scaling / N (target >= 0.9), CPU ms per event of all "
                + "instances' JVMs. Then the load stops, every event produced is waited for and accounted: lost "
                + "(no output) and duplicates (more than one).",
            "A line per N 'bench scale: [N=n] throughput_eps=... join_first_output_ms=... join_share_ms=...', a "
                + "table, and last 'bench scale: instances=1,2,4 throughput_eps=A,B,C scaling=1.00,x,y "
                + "scaling_per_instance=... efficiency=... cpu_ms_per_event=... lost=L duplicates=D "
                + "join_first_output_ms=-,x,y join_share_ms=-,x,y target_met=true|false' (lost and duplicates summed "
                + "over the points; '-' where N had no join, 'none' where the share was never reached; target_met: "
                + "every N scaled to at least 0.9 x N). Exit code 1 when an event was lost, or duplicated under "
                + "exactly_once_v2."})
final class BenchScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--instances", split = ",", defaultValue = "1,2,4",
            description = "The instance counts, one point each, in this order; the first is the base of the scaling "
                    + "(default ${DEFAULT-VALUE}).")
    List<Integer> instances;

    @Option(names = "--latency-ms", defaultValue = "1000", description = "Simulated API latency L in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "API calls in flight C per instance, its engine.max-in-flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--partitions", defaultValue = "12",
            description = "Partitions of the input and output topics; at least the largest --instances "
                    + "(default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "Steady window per point over which the throughput is measured, rounded up to whole L "
                    + "(default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--settle", defaultValue = "10s", converter = DurationConverter.class,
            description = "Unmeasured time after the first instances produce and after the join, before the next "
                    + "step: the JVMs' JIT is busiest then (default ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--max-settle", defaultValue = "60s", converter = DurationConverter.class,
            description = "After --settle, the longest further wait for the throughput of all instances (trailing 2 L) "
                    + "to reach 0.9 of N x C / L before the steady window; the window starts then in any case "
                    + "(default ${DEFAULT-VALUE}).")
    Duration maxSettle;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2",
            description = "The instances' processing guarantee: exactly_once_v2 or at_least_once (default "
                    + "${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct event keys, drawn at random (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--window-factor", defaultValue = "2",
            description = "Unfinished events at most per call slot of all N instances: the closed loop keeps f x N x C "
                    + "events produced and without output; at short latencies more, N x C x (1 + 500 ms / L), so that "
                    + "the way through Kafka is covered too (default ${DEFAULT-VALUE}).")
    int windowFactor;

    @Option(names = "--event-loops", defaultValue = "2", description = "Event loops of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--child-heap-mb", defaultValue = "512", description = "Heap cap (-Xmx) of each instance's JVM in MiB (default ${DEFAULT-VALUE}).")
    int childHeapMb;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the points as CSV to FILE (after every point).")
    Path csv;

    @Option(names = "--plot", paramLabel = "FILE",
            description = "Draw FILE (PNG): throughput against instances with the ideal line N x (one instance), and "
                    + "the throughput around each join.")
    Path plot;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of texts and keys (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        ProcessingGuarantee g;
        try {
            g = ProcessingGuarantee.parse(guarantee);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--guarantee: " + e.getMessage(), e);
        }
        ScaleBenchmark.Options options;
        try {
            options = new ScaleBenchmark.Options(instances, latencyMs, concurrency, partitions, duration, settle, maxSettle, g,
                    keys, seed, windowFactor, eventLoops, childHeapMb, csv, plot);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return new ScaleBenchmark(spec.commandLine().getOut()).run(options);
    }
}
