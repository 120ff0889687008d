package dev.enricher.bench;

import dev.enricher.local.EmbeddedKafka;
import dev.enricher.local.LocalSchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The scale-out benchmark of {@code stream-enricher bench scale}: 1, 2, 4 ... instances of the service, each the real
 * {@code run} command in a child JVM of its own ({@link ServiceInstance}), in one consumer group on one input topic,
 * against an API whose latency makes it the limit: does the throughput grow with the instances (N x one instance),
 * with nothing lost or duplicated, and how long does a new instance take to carry its share?
 *
 * <p>The harness JVM holds the broker, the simulator (every call answered after exactly L, room for every instance's
 * calls), a schema registry over HTTP that every instance and the reader share, a closed-loop load generator and
 * the {@code read_committed} reader ({@link OutputTracker}) that matches every output to its input. Each point (N
 * instances) gets fresh topics and a fresh application id; {@link ScaleRun} runs it: N - 1 instances first, then the
 * N-th one joins under load (the join's timings), then the steady window of N instances (the throughput), then a
 * drain and the accounting of every event produced.
 *
 * <p>Prints a line per step and per point, the table, and last, once everything it started is closed, the summary
 * line {@code bench scale: instances=1,2,4 throughput_eps=A,B,C scaling=1.00,x,y ...}; writes the CSV and the plot
 * when asked. Returns the exit code: 1 when an event was lost, or duplicated under {@code exactly_once_v2}; else 0.
 * One run at a time, on the calling thread.
 */
public final class ScaleBenchmark {
    /** What "takes its share" means: the aggregate throughput reaches this share of the N instances' steady rate. */
    static final double SHARE = 0.9;

    /**
     * What to run.
     *
     * @param instances   the instance counts, one point each, in this order (the first is the scaling base)
     * @param latencyMs   the API's fixed latency L
     * @param concurrency calls in flight per instance C ({@code engine.max-in-flight})
     * @param partitions  partitions of the input (and output) topics; at least the largest instance count
     * @param duration    the steady window over which each point's throughput is measured (rounded up to whole L)
     * @param settle      unmeasured time after the instances are all running and producing, before the window
     * @param maxSettle   after {@code settle}, the longest further wait for the aggregate throughput (trailing 2 L)
     *                    to reach {@link #SHARE} of N x C / L before the steady window: a rebalance still going on,
     *                    or JVMs still compiling, are not what the window should measure
     * @param guarantee   the instances' processing guarantee
     * @param keys        distinct event keys
     * @param windowFactor events unfinished at most (closed loop) per call slot of the N instances: window = f x N x C
     *                     (more at short latencies, {@link #window(int)})
     * @param eventLoops  the simulator's event loops
     * @param childHeapMb each instance's heap cap ({@code -Xmx})
     * @param csv         where to write the CSV; null for none
     * @param plot        where to write the PNG; null for none
     * @throws IllegalArgumentException naming the option ({@code --partitions}, {@code --instances} ...) whose value
     *                                  cannot work
     */
    public record Options(List<Integer> instances, long latencyMs, int concurrency, int partitions, Duration duration,
                          Duration settle, Duration maxSettle, ProcessingGuarantee guarantee, int keys, long seed, int windowFactor,
                          int eventLoops, int childHeapMb, Path csv, Path plot) {
        public Options {
            instances = List.copyOf(instances);
            if (instances.isEmpty()) {
                throw new IllegalArgumentException("--instances names no instance count; e.g. --instances 1,2,4");
            }
            for (int n : instances) {
                if (n < 1) {
                    throw new IllegalArgumentException("--instances " + join(instances) + ": " + n
                            + " is no instance count; each must be >= 1");
                }
            }
            if (new HashSet<>(instances).size() != instances.size()) {
                throw new IllegalArgumentException("--instances " + join(instances) + " names a count twice");
            }
            int most = instances.stream().mapToInt(Integer::intValue).max().orElseThrow();
            if (partitions < most) {
                throw new IllegalArgumentException("--partitions " + partitions + " is fewer than the largest "
                        + "--instances " + most + ": a partition is worked by one instance at a time, so instances "
                        + "beyond the partitions would idle; give --partitions " + most + " or more");
            }
            if (latencyMs < 1) {
                throw new IllegalArgumentException("--latency-ms must be >= 1 (the API must be the limit), not "
                        + latencyMs);
            }
            if (concurrency < 1 || keys < 1 || windowFactor < 1 || eventLoops < 1) {
                throw new IllegalArgumentException("--concurrency, --keys, --window-factor and --event-loops must be "
                        + ">= 1");
            }
            if (childHeapMb < 64) {
                throw new IllegalArgumentException("--child-heap-mb must be >= 64, not " + childHeapMb);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive, not " + duration);
            }
            if (settle.isNegative()) {
                throw new IllegalArgumentException("--settle must not be negative, not " + settle);
            }
            if (maxSettle.isNegative()) {
                throw new IllegalArgumentException("--max-settle must not be negative, not " + maxSettle);
            }
        }

        /** What N instances can serve at most: N x C / L events per second (one call per event). */
        double ideal(int n) {
            return n * concurrency * 1000.0 / latencyMs;
        }

        /**
         * Most events produced and without output for N instances (the closed loop): N x C x max(f, 1 + 500 ms / L).
         * Every call slot has an event in its call and f - 1 more waiting; at short latencies the way through Kafka
         * (the commit interval, fetches, the reader) is a large part of an event's round trip, and the window must
         * cover that too, or the window and not the API is what gets measured.
         */
        int window(int n) {
            double perSlot = Math.max(windowFactor, 1 + 500.0 / latencyMs);
            return (int) Math.ceil(n * concurrency * perSlot);
        }

        /** The steady window: {@link #duration} rounded up to whole API latencies (calls finish in waves of L). */
        Duration steadyWindow() {
            long l = latencyMs;
            long ms = Math.max(l, (duration.toMillis() + l - 1) / l * l);
            return Duration.ofMillis(ms);
        }

        /** The window of the trailing rate that decides when a joining instance carries its share: 2 L, at least 1 s. */
        Duration shareWindow() {
            return Duration.ofMillis(Math.max(1000, 2 * latencyMs));
        }
    }

    /**
     * One point's figures.
     *
     * @param eps               events per second over the steady window (inputs whose first output was read)
     * @param cpuMsPerEvent     CPU time of all instances' JVMs over the steady window per event in it; NaN unknown
     * @param produced          events produced at this point (warm-up and join included): all are accounted for
     * @param lost              of those, events with no output after the drain
     * @param duplicates        events with more than one output
     * @param joinStartedMs     from the joining instance's launch to its "running" line; -1 with no join (N = 1)
     * @param joinReadyMs       ... to its first {@code /health/ready} 200 (Kafka Streams RUNNING, tasks assigned)
     * @param joinFirstOutputMs ... to its first enriched record ({@code enricher_enriched_total} > 0)
     * @param joinShareMs       ... to the end of the first trailing window (2 L, at least 1 s) ending after its first
     *                          output in which the aggregate throughput reached {@link #SHARE} of this point's steady
     *                          rate; -1 when it never did before the end of the steady window
     * @param trace             around the join: {seconds since the launch, aggregate events/s trailing 2 L}
     */
    record Result(int instances, double eps, double idealEps, double cpuMsPerEvent, long produced, long lost,
                  long duplicates, long joinStartedMs, long joinReadyMs, long joinFirstOutputMs, long joinShareMs,
                  List<double[]> trace) {
        double efficiency() {
            return eps / idealEps;
        }

        boolean joined() {
            return joinStartedMs >= 0;
        }
    }

    private final PrintWriter out;

    public ScaleBenchmark(PrintWriter out) {
        this.out = out;
    }

    /** Runs every point of {@code o}; see the class comment for what is printed and returned. */
    public int run(Options o) throws IOException, InterruptedException {
        printf("bench scale: instances=%s latency_ms=%d concurrency=%d per instance (one iab call per event), "
                        + "partitions=%d, guarantee %s, steady window %d s, closed loop of %d x N x C unfinished events, %d cores; "
                        + "broker, simulator, registry, load and reader in this JVM, each instance the 'run' command "
                        + "in its own JVM (-Xmx%dm)",
                join(o.instances()), o.latencyMs(), o.concurrency(), o.partitions(), o.guarantee().streamsValue(),
                o.steadyWindow().toSeconds(), o.windowFactor(), Runtime.getRuntime().availableProcessors(),
                o.childHeapMb());
        int most = o.instances().stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Result> results = new ArrayList<>();
        try (ScratchDir tmp = ScratchDir.create("bench-scale-");
             EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             LocalSchemaRegistry registry = LocalSchemaRegistry.start(0);
             Simulator simulator = Simulator.start(SimulatedApi.simulator(o.latencyMs(), most * o.concurrency(),
                     o.eventLoops()))) {
            ScaleRun run = new ScaleRun(o, kafka, simulator, registry.url(), tmp, out);
            for (int n : o.instances()) {
                Result r = run.point(n);
                results.add(r);
                printf("bench scale: [N=%d] %s", n, describe(r, base(results)));
                if (o.csv() != null) {
                    writeCsv(o, results, o.csv());
                }
            }
        }
        table(o, results).forEach(out::println);
        if (o.plot() != null) {
            ScalePlot.write(results, o, o.plot());
        }
        printf("bench scale: %s", summary(o, results));
        return verdict(o, results);
    }

    /** Events per second of one instance, from the first point: the base of the scaling figures. */
    static double base(List<Result> results) {
        Result first = results.get(0);
        return first.eps() / first.instances();
    }

    /** A point's figures as {@code name=value} pairs. */
    static String describe(Result r, double perInstance) {
        double scaling = r.eps() / perInstance;
        return String.format(Locale.ROOT, "throughput_eps=%.1f ideal_eps=%.0f efficiency=%.3f scaling=%.2f "
                        + "scaling_per_instance=%.3f cpu_ms_per_event=%s produced=%d lost=%d duplicates=%d "
                        + "join_started_ms=%s join_ready_ms=%s join_first_output_ms=%s join_share_ms=%s",
                r.eps(), r.idealEps(), r.efficiency(), scaling, scaling / r.instances(),
                Double.isNaN(r.cpuMsPerEvent()) ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuMsPerEvent()),
                r.produced(), r.lost(), r.duplicates(), ms(r, r.joinStartedMs()), ms(r, r.joinReadyMs()),
                ms(r, r.joinFirstOutputMs()), ms(r, r.joinShareMs()));
    }

    /**
     * The last line: {@code instances=1,2,4 throughput_eps=A,B,C scaling=1.00,x,y scaling_per_instance=...
     * efficiency=... cpu_ms_per_event=... lost=0 duplicates=0 join_first_output_ms=-,x,y join_share_ms=-,x,y
     * target_met=true}; lost and duplicates summed over the points, "-" where there was no join (N = 1) and
     * "none" where the share was never reached; target_met when every point scaled to at least 0.9 x N.
     */
    static String summary(Options o, List<Result> results) {
        double perInstance = base(results);
        long lost = 0;
        long duplicates = 0;
        boolean met = true;
        for (Result r : results) {
            lost += r.lost();
            duplicates += r.duplicates();
            met &= r.eps() / perInstance >= SHARE * r.instances() - 1e-9;
        }
        return String.format(Locale.ROOT, "instances=%s throughput_eps=%s scaling=%s scaling_per_instance=%s "
                        + "efficiency=%s cpu_ms_per_event=%s lost=%d duplicates=%d join_first_output_ms=%s "
                        + "join_share_ms=%s target_met=%s",
                join(o.instances()),
                each(results, r -> String.format(Locale.ROOT, "%.1f", r.eps())),
                each(results, r -> String.format(Locale.ROOT, "%.2f", r.eps() / perInstance)),
                each(results, r -> String.format(Locale.ROOT, "%.3f", r.eps() / perInstance / r.instances())),
                each(results, r -> String.format(Locale.ROOT, "%.3f", r.efficiency())),
                each(results, r -> Double.isNaN(r.cpuMsPerEvent()) ? "-"
                        : String.format(Locale.ROOT, "%.2f", r.cpuMsPerEvent())),
                lost, duplicates,
                each(results, r -> ms(r, r.joinFirstOutputMs())),
                each(results, r -> ms(r, r.joinShareMs())), met);
    }

    /** 1 when any point lost an event, or duplicated one under exactly_once_v2; else 0. */
    static int verdict(Options o, List<Result> results) {
        for (Result r : results) {
            if (r.lost() > 0 || (o.guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2 && r.duplicates() > 0)) {
                return 1;
            }
        }
        return 0;
    }

    /** The CSV: a header line, then one line per point. */
    static String csv(Options o, List<Result> results) {
        double perInstance = base(results);
        StringBuilder b = new StringBuilder("instances,partitions,concurrency,latency_ms,guarantee,throughput_eps,"
                + "ideal_eps,efficiency,scaling,scaling_per_instance,cpu_ms_per_event,produced,lost,duplicates,"
                + "join_started_ms,join_ready_ms,join_first_output_ms,join_share_ms\n");
        for (Result r : results) {
            double scaling = r.eps() / perInstance;
            b.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%s,%.1f,%.1f,%.4f,%.3f,%.4f,%s,%d,%d,%d,%s,%s,%s,%s%n",
                    r.instances(), o.partitions(), o.concurrency(), o.latencyMs(), o.guarantee().streamsValue(),
                    r.eps(), r.idealEps(), r.efficiency(), scaling, scaling / r.instances(),
                    Double.isNaN(r.cpuMsPerEvent()) ? "" : String.format(Locale.ROOT, "%.3f", r.cpuMsPerEvent()),
                    r.produced(), r.lost(), r.duplicates(), csvMs(r, r.joinStartedMs()), csvMs(r, r.joinReadyMs()),
                    csvMs(r, r.joinFirstOutputMs()), csvMs(r, r.joinShareMs())));
        }
        return b.toString();
    }

    /** A Markdown table of the points: its lines. */
    static List<String> table(Options o, List<Result> results) {
        double perInstance = base(results);
        List<String> lines = new ArrayList<>();
        lines.add("| instances | throughput (events/s) | N x C / L | efficiency | scaling (per instance) "
                + "| CPU ms per event | lost | duplicates | join: running / ready / first output / 0.9 share (ms) |");
        lines.add("|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            double scaling = r.eps() / perInstance;
            lines.add(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.3f | %.2f (%.3f) | %s | %d | %d | %s |",
                    r.instances(), r.eps(), r.idealEps(), r.efficiency(), scaling, scaling / r.instances(),
                    Double.isNaN(r.cpuMsPerEvent()) ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuMsPerEvent()),
                    r.lost(), r.duplicates(), r.joined() ? ms(r, r.joinStartedMs()) + " / " + ms(r, r.joinReadyMs())
                            + " / " + ms(r, r.joinFirstOutputMs()) + " / " + ms(r, r.joinShareMs()) : "-"));
        }
        return lines;
    }

    private static void writeCsv(Options o, List<Result> results, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, csv(o, results), StandardCharsets.UTF_8);
    }

    private static String ms(Result r, long value) {
        return !r.joined() ? "-" : value < 0 ? "none" : Long.toString(value);
    }

    private static String csvMs(Result r, long value) {
        return !r.joined() || value < 0 ? "" : Long.toString(value);
    }

    private static String each(List<Result> results, java.util.function.Function<Result, String> f) {
        return results.stream().map(f).collect(Collectors.joining(","));
    }

    static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
