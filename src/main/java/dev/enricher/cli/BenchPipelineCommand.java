package dev.enricher.cli;

import dev.enricher.bench.ApiFaults;
import dev.enricher.bench.BenchTasks;
import dev.enricher.bench.PipelineBenchmark;
import dev.enricher.engine.Ordering;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.topology.ProcessingGuarantee;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher bench pipeline}: the whole pipeline (in-process broker, simulator with a fixed latency, Kafka
 * Streams with the engine) against Little's law, and the naive design next to it. Parses and validates; the run is
 * {@link PipelineBenchmark}'s. With {@code --open-loop}, Poisson arrivals at a fixed rate and the added latency's
 * tail instead of the closed loop.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Benchmarks the whole pipeline in one JVM: the in-process Kafka broker, the ZeroGPU simulator answering "
                + "every call after exactly --latency-ms, and the pipeline with --concurrency calls in flight. A "
                + "closed-loop load generator keeps at most --window JSON events produced and not yet finished "
                + "by the engine (as bench client keeps C calls going); a read_committed "
                + "consumer reads the enriched and dead-letter topics and matches every output to its input by "
                + "source partition and offset.",
            "Throughput is measured over the steady window, from the first output read to the last one (first "
                + "outputs only); efficiency = API calls per second / (C / L); added latency = input record "
                + "timestamp to output read, minus L (it includes waiting for a call slot and, under "
                + "exactly_once_v2, for the transaction commit). Peak heap: MemoryMXBean sampled every 50 ms "
                + "during the measured phase, whole JVM.",
            "Unless --no-naive, first runs the naive design (a blocking API call in mapValues) on a fresh topic "
                + "with the same events, capped at --naive-seconds of work, and prints "
                + "'bench pipeline naive: events=N throughput_eps=X efficiency=Y'.",
            "With faults (--rate-limit-rate, --server-error-rate, --rps, --storm) the engine retries with its "
                + "defaults (Retry-After honoured) and its admission runs the adaptive limit under --concurrency, as "
                + "the service does; the default window is then twice what the calls hold, plus the 100 ms.",
            "The last line is 'bench pipeline: events=N enriched=E dead_lettered=D lost=L duplicates=U "
                + "throughput_eps=X efficiency=Y p50_added_ms=A p99_added_ms=B peak_heap_mb=H rate_limit_rate=P "
                + "server_error_rate=Q rps=R storm_ms=S answered_429=F limit_min=M limit_mean=K' (with --storm also "
                + "limit_halved_after_ms and limit_recovered_after_ms), then 'calls=N calls_saved=S cost_usd=X "
                + "duplicate_texts=P cache=on|off'. Exit code 1 when an input got no output, or more than one under "
                + "exactly_once_v2.",
            "Repeated texts: --duplicates P makes that share of the events repeat the text of an earlier event "
                + "(drawn with --seed: half among the 256 events just before, often still in flight, half among all "
                + "before); keys and sizes stay as without. With the durable call results on (--cache, the default; "
                + "topic bench-call-results) a repeated text's call is not made: its answer is stored, or on its way "
                + "for an identical call. calls = requests the API got for the measured events, calls_saved = their "
                + "calls answered without one, both from the events' own records; cost_usd = the calls made at the "
                + "catalog's prices (4 significant digits). The generator's own short texts coincide now and then, "
                + "so some calls are saved even at --duplicates 0. efficiency counts only the calls made.",
            "Open loop (--open-loop): after the same closed-loop warm-up, the generator produces at a fixed rate with "
                + "Poisson arrivals (exponential inter-arrival times drawn from --seed), never waiting for an output: "
                + "--load F gives the rate as F x C / (L x calls per event), the calls per event (API requests, "
                + "pieces of texts iab sends in two included) measured over the warm-up's records; --rate gives it "
                + "in events/s. Every send time is the start plus the sum of the inter-arrival times, so a late send "
                + "goes out at once and shifts none after it; each record's timestamp is its scheduled arrival, so "
                + "any delay of the generator or the producer counts in the latency (no coordinated omission), and "
                + "how late the generator was is printed apart. The first 2 s of arrivals settle the pipeline "
                + "unmeasured. Added latency = output read minus scheduled arrival, minus the API's own time for the "
                + "event: its calls' critical path from model_calls (pieces of a task in parallel, repairs in "
                + "sequence, tasks in parallel; cached answers count nothing; a dead letter takes off L); the "
                + "detail line also gives end-to-end minus L per sequential round of calls. Under exactly_once_v2 "
                + "an output is visible only once its transaction commits, every --commit-interval-ms.",
            "In open loop the closed-loop line is followed by the last line, 'bench pipeline open-loop: load=F "
                + "offered_eps=X throughput_eps=Y p50_added_ms=A p99_added_ms=B p999_added_ms=C max_added_ms=D "
                + "commit_interval_ms=K generator_late_max_ms=G lost=L duplicates=U calls_per_event=Z calls_per_s=W "
                + "cpu_ms_per_event=V guarantee=P': load = offered calls/s over C / L; throughput over the steady "
                + "window as in the closed loop; calls_per_event = API requests per measured event; cpu_ms_per_event "
                + "= the whole process's CPU over the open loop per event produced in it. Same exit code."})
final class BenchPipelineCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "200", description = "Simulated API latency in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "256",
            description = "API calls in flight: the engine's max-in-flight and the client's (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--events", defaultValue = "20000", description = "Measured events (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2",
            description = "Processing guarantee: exactly_once_v2 or at_least_once (default ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--ordering", defaultValue = "KEY",
            description = "Engine output order: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Ordering ordering;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct event keys, drawn at random (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--tasks", defaultValue = "iab",
            description = "Tasks run on every event, comma-separated (e.g. iab,followup,pii; types or task names or "
                    + "an unambiguous prefix; default ${DEFAULT-VALUE}).")
    String tasks;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of every topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--stream-threads", defaultValue = "1",
            description = "Kafka Streams threads, of the pipeline and of the naive app (default ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--window", defaultValue = "-1",
            description = "Most events produced and not yet finished by the engine (default: what the calls hold, "
                    + "C / tasks, plus what the API completes in 100 ms at the ceiling, to cover the input's "
                    + "way through Kafka to the engine).")
    int window;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Unmeasured events first, continuous with the measured ones (default: a fifth of "
                    + "--events, at least 5 s of the ceiling, then more rounds until the JIT compilers are nearly "
                    + "idle, at most " + PipelineBenchmark.WARMUP_LIMIT_SECONDS + " s).")
    int warmup;

    @Option(names = "--no-naive", negatable = false, description = "Skip the naive design's run.")
    boolean noNaive;

    @Option(names = "--naive-seconds", defaultValue = "30",
            description = "Cap of the naive run: as many events as it serves in this many seconds at one event per "
                    + "L per stream thread (default ${DEFAULT-VALUE}).")
    int naiveSeconds;

    @Option(names = "--event-loops", defaultValue = "2",
            description = "Event loops of the client, and of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of texts and keys (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--duplicates", defaultValue = "0",
            description = "Share of the events (0 to 1) that repeat the text of an earlier event (default "
                    + "${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--cache", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Durable call results for the measured pipeline: a stored answer is not asked for again "
                    + "(--no-cache: every call is made; default: on).")
    boolean cache;

    @Option(names = "--open-loop", negatable = false,
            description = "Measure with an open-loop generator (Poisson arrivals at --load or --rate) instead of "
                    + "the closed loop; reports p50/p99/p99.9 added latency.")
    boolean openLoop;

    @Option(names = "--load", paramLabel = "F",
            description = "Open loop: the arrival rate as a share of C / L, 0 < F <= "
                    + PipelineBenchmark.OpenLoop.MAX_LOAD + " (default 0.8; not with --rate).")
    Double load;

    @Option(names = "--rate", paramLabel = "EPS",
            description = "Open loop: the arrival rate in events per second (not with --load).")
    Double rate;

    @Option(names = "--commit-interval-ms", defaultValue = "-1", paramLabel = "MS",
            description = "Kafka Streams commit.interval.ms of the measured pipeline (default: Streams' own, 100 "
                    + "under exactly_once_v2, 30000 under at_least_once). Under exactly_once_v2 outputs become "
                    + "visible at each commit: shorter means less latency, more transactions.")
    long commitIntervalMs;

    @Mixin
    ApiFaultOptions faults;

    @Override
    public Integer call() throws Exception {
        if (latencyMs < 1 || concurrency < 1 || events < 1 || keys < 1 || partitions < 1 || streamThreads < 1
                || eventLoops < 1 || naiveSeconds < 1 || window == 0 || window < -1 || warmup < -1) {
            throw new ParameterException(spec.commandLine(), "--latency-ms, --concurrency, --events, --keys, "
                    + "--partitions, --stream-threads, --event-loops, --naive-seconds and --window must be >= 1, "
                    + "--warmup >= 0");
        }
        if (!(duplicates >= 0 && duplicates <= 1)) {
            throw new ParameterException(spec.commandLine(), "--duplicates must be a share between 0 and 1 (0.3: "
                    + "three events in ten repeat an earlier event's text), was " + duplicates);
        }
        if (commitIntervalMs < -1) {
            throw new ParameterException(spec.commandLine(), "--commit-interval-ms must be >= 0, was "
                    + commitIntervalMs);
        }
        PipelineBenchmark.OpenLoop open = null;
        if (!openLoop && (load != null || rate != null)) {
            throw new ParameterException(spec.commandLine(), (load != null ? "--load" : "--rate")
                    + " sets the open loop's rate: add --open-loop");
        }
        if (openLoop) {
            if (load != null && rate != null) {
                throw new ParameterException(spec.commandLine(), "--load and --rate are mutually exclusive: give "
                        + "the rate as a share of C / L or in events/s");
            }
            if (rate != null && !(rate > 0 && !rate.isInfinite())) {
                throw new ParameterException(spec.commandLine(), "--rate must be a positive number of events per "
                        + "second, was " + rate);
            }
            double f = load == null ? 0.8 : load;
            if (rate == null && !(f > 0 && f <= PipelineBenchmark.OpenLoop.MAX_LOAD)) {
                throw new ParameterException(spec.commandLine(), "--load must be within (0, "
                        + PipelineBenchmark.OpenLoop.MAX_LOAD + "], was " + load);
            }
            open = rate != null ? PipelineBenchmark.OpenLoop.atRate(rate) : PipelineBenchmark.OpenLoop.atLoad(f);
        }
        ProcessingGuarantee g;
        List<EnrichmentTask> taskList;
        try {
            g = ProcessingGuarantee.parse(guarantee);
            taskList = BenchTasks.parse(tasks);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        ApiFaults f = faults.faults(spec);
        int w = window > 0 ? window : PipelineBenchmark.defaultWindow(concurrency, taskList.size(), latencyMs, f);
        PipelineBenchmark.Options options = new PipelineBenchmark.Options(latencyMs, concurrency, events, g, ordering,
                keys, taskList, partitions, streamThreads, w, warmup, noNaive ? 0 : naiveSeconds, eventLoops, seed, f,
                duplicates, cache, open, commitIntervalMs);
        return new PipelineBenchmark(options, spec.commandLine().getOut()).run();
    }
}
