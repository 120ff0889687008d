package dev.enricher.cli;

import dev.enricher.bench.PeersBenchmark;
import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Point;
import dev.enricher.bench.PeersBenchmark.TracingLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher bench peers}: this pipeline against Confluent's Parallel Consumer (Vert.x module) and plain
 * Kafka Streams with a blocking call, at one point (C, L), over the sweep of issue 6, or at L = 0 to find the CPU
 * ceiling. Parses and validates; the runs, the CSV and the plot are {@link PeersBenchmark}'s.
 */
@Command(name = "peers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Benchmarks this pipeline against the designs a user would pick instead, on the same in-process broker "
                + "and simulator with the same events: stream-enricher under exactly_once_v2 (ours-eos) and "
                + "at_least_once (ours-alos); Confluent Parallel Consumer 0.5.3.3 with its Vert.x module, KEY order "
                + "and max concurrency C (pc; built on Vert.x 4, so it runs from its own jar, "
                + "bench/peers/target/parallel-consumer-peer.jar, which 'mvn package' builds); Kafka Streams with a "
                + "blocking call per record on 1 and 4 stream threads (ks1, ks4); and, for the CPU ceiling, the same "
                + "Streams topology without the call (pass-alos, pass-eos).",
            "Each contender runs in a JVM of its own (-Xmx1g), one after the other; the broker, the simulator "
                + "(every call answered after exactly --latency-ms), a closed-loop load generator and a "
                + "read_committed reader stay in this JVM. Every contender does the same work per event: decode the "
                + "JSON event, one iab call with the same request bytes, write the Avro enriched record of that one task (its result in results.iab).",
            "Per row: throughput (first to last output read), efficiency = throughput / (C / L), p50 and p99 "
                + "end-to-end latency (input timestamp to output read), CPU seconds of the contender's JVM per 1,000 "
                + "events, its peak RSS (VmHWM), lost and duplicated inputs.",
            "With --tracing, each ours-* contender runs once per value (rows 'ours-eos tracing=0.01', ...), traced "
                + "as the service traces, its sampled spans exported over OTLP to a discard receiver in this JVM; "
                + "those rows also give the receiver's otlp_requests and otlp_kb while the measured events ran.",
            "The last line is 'bench peers: ours_eps=X pc_eps=Y ratio=X/Y ...' (ours = exactly_once_v2); with "
                + "--sweep, 'bench peers sweep: ...'; with --ceiling, 'bench peers ceiling: ...'; with more than one "
                + "--tracing value, 'bench peers tracing: off_cpu_us_per_event=X off_eps=Y r0.01_cpu_us_per_event=... "
                + "...' after that line. Exit code 1 when this pipeline lost an input, or duplicated one under "
                + "exactly_once_v2."})
final class BenchPeersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated API latency L in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "256", description = "API calls in flight C, for every contender (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--events", defaultValue = "20000",
            description = "Measured events per contender, capped at what its own C / L serves in --row-seconds "
                    + "(default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--contenders", split = ",",
            description = "Which to run, in order (default ours-eos,ours-alos,pc,ks1,ks4; with --ceiling "
                    + "ours-eos,ours-alos,pass-eos,pass-alos). Known: ours-eos, ours-alos, pc, ks1, ks4, pass-alos, "
                    + "pass-eos.")
    List<String> contenders;

    @Option(names = "--sweep", negatable = false,
            description = "Run C in {64, 256, 1024, 4096} at L = 200 ms and L in {20, 1000} ms at C = 256 (--latency-ms "
                    + "and --concurrency are ignored), write peers-sweep.csv and peers-sweep.png to --out-dir.")
    boolean sweep;

    @Option(names = "--points", split = ",",
            description = "With --sweep: only these points, as C:L (e.g. 4096:200,256:20); default all six.")
    List<String> points;

    @Option(names = "--plot", split = ",",
            description = "Draw peers-sweep.png in --out-dir again from these CSV files of earlier sweeps (rows of "
                    + "all files together) and run nothing.")
    List<Path> plotFrom;

    @Option(names = "--ceiling", negatable = false,
            description = "Measure the CPU ceiling: L = 0 (answers at once), so throughput and CPU per event are what "
                    + "this machine's cores allow (--latency-ms is ignored; give --concurrency 1024 so that calls "
                    + "and the window of 4 x C events are not the limit).")
    boolean ceiling;

    @Option(names = "--tracing", split = ",", paramLabel = "LIST",
            description = "Tracing of the ours-* contenders: off, or a sampling ratio in (0, 1] (traceidratio; every "
                    + "sampled span exported over OTLP http/protobuf to a discard receiver in this JVM, so the export "
                    + "is in the CPU figure). Several values, e.g. off,0.01,1, run each ours-* contender once per "
                    + "value, in that order (the other contenders once), and end with 'bench peers tracing: ...': "
                    + "ours-eos's CPU per event and throughput at each value (ours-alos's without ours-eos). Not with "
                    + "--sweep. Default off: no tracing, rows as without this option.")
    List<String> tracing;

    @Option(names = "--out-dir", defaultValue = "docs", description = "Where --sweep writes its CSV and PNG (default ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--keys", defaultValue = "100000",
            description = "Distinct event keys, drawn at random (default ${DEFAULT-VALUE}: with KEY order, fewer keys "
                    + "than C would cap every key-ordered design's concurrency).")
    int keys;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--warmup-seconds", defaultValue = "10",
            description = "Least unmeasured load before each row; then more until the contender's JIT compilers are "
                    + "nearly idle (under 2 %% of a core for 2 s), up to --warmup-max-seconds (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--warmup-max-seconds", defaultValue = "180",
            description = "Most unmeasured load before each row (default ${DEFAULT-VALUE}).")
    int warmupMaxSeconds;

    @Option(names = "--row-seconds", defaultValue = "30",
            description = "Cap of a row's measured events: what its own Little's-law ceiling serves in this many "
                    + "seconds (the blocking designs serve one event per L per thread; default ${DEFAULT-VALUE}).")
    int rowSeconds;

    @Option(names = "--pc-jar", defaultValue = "bench/peers/target/parallel-consumer-peer.jar",
            description = "The Parallel Consumer peer's jar (default ${DEFAULT-VALUE}).")
    Path pcJar;

    @Option(names = "--event-loops", defaultValue = "2", description = "Event loops of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--jfr",
            description = "Record every contender's JVM with Java Flight Recorder (settings=profile) into this "
                    + "directory, one .jfr per row, written when the contender stops.")
    Path jfrDir;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of texts and keys (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (latencyMs < 0 || concurrency < 1 || events < 1 || keys < 1 || partitions < 1 || warmupSeconds < 0
                || warmupMaxSeconds < 0 || rowSeconds < 1 || eventLoops < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency, --events, --keys, --partitions, "
                    + "--row-seconds and --event-loops must be >= 1, --latency-ms, --warmup-seconds and "
                    + "--warmup-max-seconds >= 0");
        }
        PeersBenchmark bench = new PeersBenchmark(spec.commandLine().getOut());
        if (plotFrom != null) {
            try {
                return bench.replot(plotFrom, outDir);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--plot: " + e.getMessage(), e);
            }
        }
        if (sweep && ceiling) {
            throw new ParameterException(spec.commandLine(), "--sweep and --ceiling are separate runs: give one");
        }
        List<TracingLevel> levels;
        try {
            levels = tracing == null ? List.of(TracingLevel.OFF) : TracingLevel.parseAll(tracing);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tracing: " + e.getMessage(), e);
        }
        boolean tracingRows = levels.size() > 1 || levels.get(0).on();
        if (sweep && tracingRows) {
            throw new ParameterException(spec.commandLine(), "--tracing " + String.join(",", tracing)
                    + ": tracing rows are for one point or --ceiling, not --sweep");
        }
        List<Contender> chosen;
        try {
            chosen = contenders != null ? Contender.parseAll(contenders)
                    : ceiling ? PeersBenchmark.CEILING_CONTENDERS : PeersBenchmark.DEFAULT_CONTENDERS;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--contenders: " + e.getMessage(), e);
        }
        if (chosen.contains(Contender.PC) && !Files.isRegularFile(pcJar)) {
            throw new ParameterException(spec.commandLine(), "--pc-jar: the Parallel Consumer peer is not built: "
                    + pcJar + " is missing; build it with 'mvn -B -f bench/peers/pom.xml package' (the project's "
                    + "'mvn package' does too), or leave 'pc' out of --contenders");
        }
        if (tracingRows && !chosen.contains(Contender.OURS_EOS) && !chosen.contains(Contender.OURS_ALOS)) {
            throw new ParameterException(spec.commandLine(), "--tracing " + String.join(",", tracing)
                    + ": only the ours-* contenders are traced, and --contenders has none");
        }
        PeersBenchmark.Options options = new PeersBenchmark.Options(latencyMs, concurrency, events, keys, partitions,
                chosen, warmupSeconds, warmupMaxSeconds, rowSeconds, seed, pcJar, eventLoops, jfrDir, levels);
        if (sweep) {
            List<Point> chosenPoints;
            try {
                chosenPoints = points == null ? List.of() : Point.parseAll(points);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--points: " + e.getMessage());
            }
            return bench.runSweep(options, chosenPoints, outDir);
        }
        return ceiling ? bench.runCeiling(options) : bench.runPoint(options);
    }
}
