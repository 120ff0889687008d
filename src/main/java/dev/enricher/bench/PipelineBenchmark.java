package dev.enricher.bench;

import dev.enricher.client.ClientConfig;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.engine.CallObserver;
import dev.enricher.engine.EngineConfig;
import dev.enricher.engine.EngineStats;
import dev.enricher.engine.Ordering;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.results.CallResultSettings;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The pipeline benchmark of {@code stream-enricher bench pipeline}: the in-process broker, the simulator with a fixed
 * latency and the pipeline in one JVM; a load generator feeds JSON events, closed loop on the events the engine has
 * finished (its stats), and a {@code read_committed} reader accounts for every output by its input's source offset.
 * Optionally first the naive design (a blocking call in {@code mapValues}) on a fresh topic with the same events, for
 * comparison.
 *
 * <p>With {@link ApiFaults} the simulator refuses calls (429s, 5xx, a rate limit, a storm of 429s) and the engine's
 * admission runs the adaptive limit under the cap, as the service does by default; the summary adds the share of
 * answers that were 429 and what the limit did.
 *
 * <p>With {@code duplicates} a share of the events repeat an earlier event's text ({@link BenchTexts}); with
 * {@code cache} the pipeline keeps durable call results (topic {@code bench-call-results}), so a repeated text's call
 * is not made. The summary adds the calls made and saved for the measured events and what the calls made cost.
 *
 * <p>Open loop ({@link OpenLoop}): after the same closed-loop warm-up the generator produces at a fixed rate with
 * Poisson arrivals ({@link OpenLoopSchedule}), whatever the outputs do; each record's timestamp is its scheduled
 * arrival, and the summary is the added latency (end-to-end less the API's own time, {@link OutputTracker}) at p50,
 * p99 and p99.9, with the commit interval it was measured at and how late the generator itself was.
 *
 * <p>Prints progress and figures to {@code out}; the figures of the measured run only once the pipeline, the broker
 * and the simulator are closed, so that nothing they log can follow the summary line. One run per instance, on the
 * calling thread.
 */
public final class PipelineBenchmark {
    /** No new output for this long means the run is stuck: stop waiting and report what is missing. */
    static final Duration STALL = Duration.ofSeconds(60);
    /**
     * Most seconds of the adaptive warm-up: on 2 cores this JVM (broker, simulator, pipeline, load) needs 70-120 s
     * before its JIT is quiet, and a measurement taken while C2 still compiles swings between 0.6 and 0.9 of C / L.
     */
    public static final int WARMUP_LIMIT_SECONDS = 180;

    /**
     * What to run.
     *
     * @param warmup        unmeasured events first; -1 for adaptive: a fifth of {@code events}, at least 5 s of the
     *                      ceiling, then rounds until the JIT is quiet ({@link JitWarmUp}), at most
     *                      {@link #WARMUP_LIMIT_SECONDS}
     * @param window        most events produced and not yet finished by the engine ({@link #defaultWindow})
     * @param naiveSeconds  cap of the naive run's work, in seconds of API latency; 0 for no naive run
     * @param faults        what the simulator refuses; {@link ApiFaults#none()} for nothing
     * @param duplicates    the share of events (0 to 1) that repeat an earlier event's text ({@link BenchTexts})
     * @param cache         whether the measured pipeline keeps durable call results (a stored answer is not asked
     *                      for again)
     * @param openLoop      the open loop's rate; null for the closed loop
     * @param commitIntervalMs Kafka Streams' {@code commit.interval.ms} for the measured pipeline; -1 for Streams'
     *                      default (100 ms under exactly_once_v2, 30 s under at_least_once)
     */
    public record Options(long latencyMs, int concurrency, int events, ProcessingGuarantee guarantee, Ordering ordering,
                          int keys, List<EnrichmentTask> tasks, int partitions, int streamThreads, int window,
                          int warmup, int naiveSeconds, int eventLoops, long seed, ApiFaults faults,
                          double duplicates, boolean cache, OpenLoop openLoop, long commitIntervalMs) {
        public Options {
            if (!(duplicates >= 0 && duplicates <= 1)) {
                throw new IllegalArgumentException("duplicates must be within 0..1, was " + duplicates);
            }
            if (commitIntervalMs < -1) {
                throw new IllegalArgumentException("commit interval must be >= 0 ms (-1: the default), was "
                        + commitIntervalMs);
            }
        }

        /** Closed loop, Streams' default commit interval. */
        public Options(long latencyMs, int concurrency, int events, ProcessingGuarantee guarantee, Ordering ordering,
                       int keys, List<EnrichmentTask> tasks, int partitions, int streamThreads, int window,
                       int warmup, int naiveSeconds, int eventLoops, long seed, ApiFaults faults,
                       double duplicates, boolean cache) {
            this(latencyMs, concurrency, events, guarantee, ordering, keys, tasks, partitions, streamThreads, window,
                    warmup, naiveSeconds, eventLoops, seed, faults, duplicates, cache, null, -1);
        }

        /** As before repeated texts and call results: none, and no cache. */
        public Options(long latencyMs, int concurrency, int events, ProcessingGuarantee guarantee, Ordering ordering,
                       int keys, List<EnrichmentTask> tasks, int partitions, int streamThreads, int window,
                       int warmup, int naiveSeconds, int eventLoops, long seed, ApiFaults faults) {
            this(latencyMs, concurrency, events, guarantee, ordering, keys, tasks, partitions, streamThreads, window,
                    warmup, naiveSeconds, eventLoops, seed, faults, 0, false);
        }

        double ceilingCallsPerSecond() {
            return concurrency * 1000.0 / latencyMs;
        }

        String taskNames() {
            return tasks.stream().map(EnrichmentTask::name).collect(Collectors.joining(","));
        }

        /**
         * The commit interval the pipeline runs with: the one given, else Kafka Streams' default, 100 ms under
         * exactly_once_v2 and 30 s under at_least_once (StreamsConfig has no constant for either).
         */
        long effectiveCommitIntervalMs() {
            if (commitIntervalMs >= 0) {
                return commitIntervalMs;
            }
            return guarantee == ProcessingGuarantee.EXACTLY_ONCE_V2 ? 100 : 30_000;
        }
    }

    /**
     * The open loop's arrival rate: either a share {@code load} of the ceiling, in events per second
     * {@code load * C / (L * calls per event)} with the calls per event measured in the warm-up, or
     * {@code eventsPerSecond} given directly (then {@code load} is NaN).
     */
    public record OpenLoop(double load, double eventsPerSecond) {
        /** Most load asked for: beyond the ceiling the backlog grows without end, and the figures say only that. */
        public static final double MAX_LOAD = 1.5;

        public OpenLoop {
            boolean byLoad = load > 0 && load <= MAX_LOAD && Double.isNaN(eventsPerSecond);
            boolean byRate = Double.isNaN(load) && eventsPerSecond > 0 && !Double.isInfinite(eventsPerSecond);
            if (!byLoad && !byRate) {
                throw new IllegalArgumentException("give either a load within (0, " + MAX_LOAD + "] or a positive "
                        + "finite rate, was load=" + load + " rate=" + eventsPerSecond);
            }
        }

        public static OpenLoop atLoad(double load) {
            return new OpenLoop(load, Double.NaN);
        }

        public static OpenLoop atRate(double eventsPerSecond) {
            return new OpenLoop(Double.NaN, eventsPerSecond);
        }

        boolean byLoad() {
            return !Double.isNaN(load);
        }
    }

    /** Seconds of open-loop arrivals, unmeasured, between the closed-loop warm-up and the measured events. */
    static final double SETTLE_SECONDS = 2;

    /**
     * What the open loop did.
     *
     * @param callsPerEvent     API requests per event the rate was computed with
     * @param callsMeasured     whether those came from the warm-up's records (else one per task was assumed)
     * @param eventsPerSecond   the offered rate, λ
     * @param settleEvents      unmeasured open-loop events before the measured ones
     * @param sendSeconds       first to last send of the measured events
     * @param lateMicros        how late the generator handed each event over, against its schedule
     * @param lateOverOneMs     events handed over more than 1 ms late
     * @param cpu               the process's CPU over the open loop (settle and measured events, until the last
     *                          output was read)
     * @param openLoopEvents    events produced in the open loop (settle and measured)
     */
    private record OpenLoopFigures(double callsPerEvent, boolean callsMeasured, double eventsPerSecond,
                                   int settleEvents, double sendSeconds, Histogram lateMicros, long lateOverOneMs,
                                   CpuSnapshot cpu, long openLoopEvents) {
        OpenLoopFigures withCpu(CpuSnapshot used) {
            return new OpenLoopFigures(callsPerEvent, callsMeasured, eventsPerSecond, settleEvents, sendSeconds,
                    lateMicros, lateOverOneMs, used, openLoopEvents);
        }
    }

    /**
     * The window when none is given: what the calls hold, C / tasks events, plus what the API completes in 100 ms at
     * the ceiling, to cover the input's way through Kafka to the engine. With faults, twice what the calls hold:
     * events waiting for a retry (a 429's Retry-After is a second) keep their place in the window.
     */
    public static int defaultWindow(int concurrency, int taskCount, long latencyMs, ApiFaults faults) {
        int eventsInCalls = (concurrency + taskCount - 1) / taskCount;
        return eventsInCalls * (faults.any() ? 2 : 1) + (int) Math.ceil(eventsInCalls * 100.0 / latencyMs);
    }

    /** What the measured run saw, reported once everything is closed. */
    private record Measured(OutputTracker.Summary summary, EngineStats engine, long heapPeakMb,
                            long heapAfterGcPeakMb, long simulatorCalls, long simulator429s, double meanInFlight,
                            double meanPending, double meanWaitingForLimit, String limitFigures,
                            boolean stormCutShort, long firstMeasured, CallCounter.Counts observed,
                            long engineCallsSaved, OpenLoopFigures openLoop) {
    }

    /**
     * The {@link CallObserver} of the measured pipeline: every API request's end (any outcome), the calls saved, and
     * the tokens of the answers at the default catalog's prices. Its counts over the measured phase also hold the
     * warm-up's last calls (those that ended after it began), so the summary takes its figures from the measured
     * events' own records ({@link OutputTracker.Calls}) and prints these next to them as a cross-check.
     */
    static final class CallCounter implements CallObserver {
        private final ModelCatalog prices = ModelCatalog.defaults();
        private final LongAdder requests = new LongAdder();
        private final LongAdder saved = new LongAdder();
        private final DoubleAdder costUsd = new DoubleAdder();
        private final DoubleAdder savedCostUsd = new DoubleAdder();

        record Counts(long requests, long saved, double costUsd, double savedCostUsd) {
            Counts minus(Counts o) {
                return new Counts(requests - o.requests, saved - o.saved, costUsd - o.costUsd,
                        savedCostUsd - o.savedCostUsd);
            }
        }

        @Override
        public void callEnded(String model, String outcome, int status, Duration latency, Usage usage) {
            requests.increment();
            costUsd.add(cost(model, usage));
        }

        @Override
        public void callSaved(String model, String task, Usage usage) {
            saved.increment();
            savedCostUsd.add(cost(model, usage));
        }

        private double cost(String model, Usage usage) {
            if (usage == null || usage == Usage.NONE) {
                return 0;
            }
            return prices.find(model).map(m -> m.costUsd(usage)).orElse(0.0);
        }

        Counts counts() {
            return new Counts(requests.sum(), saved.sum(), costUsd.sum(), savedCostUsd.sum());
        }
    }

    private final Options o;
    private final PrintWriter out;

    public PipelineBenchmark(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /**
     * Runs everything and prints the figures, the summary line {@code bench pipeline: events=N ...} last.
     *
     * @return the exit code: 1 when an input was lost, or duplicated under exactly_once_v2; else 0
     */
    public int run() throws InterruptedException {
        printf("bench pipeline: latency_ms=%d concurrency=%d guarantee=%s ordering=%s tasks=%s keys=%d partitions=%d "
                        + "stream_threads=%d window=%d events, %d cores; broker, simulator, pipeline and load in one JVM",
                o.latencyMs(), o.concurrency(), o.guarantee().streamsValue(), o.ordering().name().toLowerCase(Locale.ROOT),
                o.taskNames(), o.keys(), o.partitions(), o.streamThreads(), o.window(),
                Runtime.getRuntime().availableProcessors());
        printf("bench pipeline: duplicate texts %s of the events (repeating an earlier event's text), durable call "
                + "results %s", shareText(o.duplicates()), o.cache() ? "on (topic " + CALL_RESULTS_TOPIC + ")" : "off");
        if (o.openLoop() != null || o.commitIntervalMs() >= 0) {
            printf("bench pipeline: commit.interval.ms=%d%s; %s", o.effectiveCommitIntervalMs(),
                    o.commitIntervalMs() >= 0 ? "" : " (Kafka Streams' default)", o.openLoop() == null
                            ? "closed loop"
                            : "open loop after the closed-loop warm-up, " + (o.openLoop().byLoad()
                                    ? "at load " + shareText(o.openLoop().load()) + " of C / L"
                                    : "at " + shareText(o.openLoop().eventsPerSecond()) + " events/s"));
        }
        Measured measured;
        try (ScratchDir tmp = ScratchDir.create("bench-pipeline-");
             EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator simulator = Simulator.start(SimulatedApi.simulator(o.latencyMs(), o.concurrency(),
                     o.eventLoops(), o.faults().settings()))) {
            if (o.naiveSeconds() > 0) {
                runNaive(kafka, simulator, tmp.resolve("naive"));
            }
            measured = runPipeline(kafka, simulator, tmp.resolve("pipeline"));
        }
        return report(measured);
    }

    // ---------------------------------------------------------------------------------------------------- pipeline

    /** The topic of the measured pipeline's durable call results, named as its other topics. */
    static final String CALL_RESULTS_TOPIC = "bench-call-results";

    private Measured runPipeline(EmbeddedKafka kafka, Simulator simulator, Path stateDir) throws InterruptedException {
        String input = "bench-input";
        String enriched = "bench-enriched";
        String deadLetters = "bench-dead-letters";
        for (String topic : List.of(input, enriched, deadLetters)) {
            kafka.createTopic(topic, o.partitions());
        }
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        PipelineSettings.Builder settingsBuilder = PipelineSettings.builder()
                .applicationId("bench-pipeline")
                .bootstrapServers(kafka.bootstrapServers())
                .inputTopic(input)
                .enrichedTopic(enriched)
                .deadLetterTopic(deadLetters)
                .tasks(o.tasks())
                .engine(EngineConfig.defaults().withMaxInFlight(o.concurrency()).withOrdering(o.ordering()))
                .guarantee(o.guarantee())
                .streamThreads(o.streamThreads())
                .stateDir(stateDir)
                // The pipeline creates the topic itself (as the service does) and reads it before it starts.
                .callResults(o.cache() ? CallResultSettings.on(CALL_RESULTS_TOPIC) : CallResultSettings.disabled());
        if (o.commitIntervalMs() >= 0) {
            settingsBuilder.streamsProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, o.commitIntervalMs());
        }
        PipelineSettings settings = settingsBuilder.build();
        CallCounter observer = new CallCounter();
        try (OutputTracker tracker = OutputTracker.start(kafka.bootstrapServers(), enriched, deadLetters, registry,
                o.latencyMs());
             EnrichmentPipeline pipeline = EnrichmentPipeline.start(settings, clientConfig(simulator), registry,
                     observer);
             RunSampler sampler = RunSampler.start(50, () -> pipeline.stats().inFlight(),
                     () -> pipeline.stats().pending(), () -> pipeline.stats().waitingForLimit());
             LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), input, o.keys(), o.window(),
                     () -> pipeline.stats().enriched() + pipeline.stats().deadLettered(), o.seed(), o.duplicates())) {
            pipeline.awaitRunning(Duration.ofSeconds(60));
            long next = warmUp(load, tracker);
            sampler.reset();
            long callsBefore = simulator.stats().requests();
            long refusedBefore = simulator.stats().count(429);
            CallCounter.Counts observedBefore = observer.counts();
            long savedBefore = pipeline.stats().callsSaved();
            String limitFigures;
            boolean stormCutShort;
            OpenLoopFigures openLoop = null;
            try (LimitTrace trace = LimitTrace.start(pipeline::concurrencyLimit, o.concurrency(), o.faults(),
                    simulator)) {
                int produced;
                if (o.openLoop() != null) {
                    openLoop = runOpenLoop(load, tracker, next);
                    produced = o.events();
                } else {
                    printf("bench pipeline: measuring %d events", o.events());
                    produced = load.produce(OutputTracker.MEASURED_PREFIX, next, o.events(),
                            tracker::lastProgressNanos, STALL);
                }
                if (produced < o.events()) {
                    printf("bench pipeline: no output for %d s; stopped producing after %d of %d events",
                            STALL.toSeconds(), produced, o.events());
                } else if (!tracker.awaitMeasured(o.events(), STALL)) {
                    printf("bench pipeline: no output for %d s; stopped waiting", STALL.toSeconds());
                }
                if (openLoop != null) {
                    openLoop = openLoop.withCpu(CpuSnapshot.ofThisProcess().minus(openLoop.cpu()));
                }
                limitFigures = trace.summary();
                stormCutShort = trace.stormCutShort();
            }
            long simulatorCalls = simulator.stats().requests() - callsBefore;
            long simulator429s = simulator.stats().count(429) - refusedBefore;
            CallCounter.Counts observed = observer.counts().minus(observedBefore);
            EngineStats engine = pipeline.stats();
            long engineSaved = engine.callsSaved() - savedBefore;
            tracker.close();
            long firstMeasured = openLoop == null ? next : next + openLoop.settleEvents();
            return new Measured(tracker.summary(), engine, sampler.peakUsedMb(), sampler.peakAfterGcMb(),
                    simulatorCalls, simulator429s, sampler.mean(0), sampler.mean(1), sampler.mean(2), limitFigures,
                    stormCutShort, firstMeasured, observed, engineSaved, openLoop);
        }
    }

    /**
     * The open loop, from event {@code next} on: the rate (from the load and the warm-up's calls per event, or as
     * given), then {@link #SETTLE_SECONDS} of unmeasured arrivals (the closed loop's full window drains meanwhile),
     * then the measured events, all on one Poisson schedule with no pause. Returns once all are produced; the CPU in
     * the figures is the snapshot at the open loop's start, for the caller to subtract from.
     */
    private OpenLoopFigures runOpenLoop(LoadGenerator load, OutputTracker tracker, long next)
            throws InterruptedException {
        long[] warmUpCalls = tracker.unmeasuredCalls();
        boolean measuredCalls = warmUpCalls[0] > 0;
        double callsPerEvent = measuredCalls ? (double) warmUpCalls[1] / warmUpCalls[0] : o.tasks().size();
        OpenLoop ol = o.openLoop();
        double eventsPerSecond = ol.byLoad()
                ? ol.load() * o.ceilingCallsPerSecond() / callsPerEvent : ol.eventsPerSecond();
        double offeredLoad = eventsPerSecond * callsPerEvent / o.ceilingCallsPerSecond();
        int settle = (int) Math.ceil(eventsPerSecond * SETTLE_SECONDS);
        printf("bench pipeline: open loop: %.3f API requests per event (%s); offered %.1f events/s = %.0f calls/s "
                        + "= load %.3f of C / L (%.0f calls/s), Poisson arrivals (seed %d); %d unmeasured events "
                        + "(%.0f s) to settle, then %d measured (about %.0f s); commit.interval.ms=%d",
                callsPerEvent, measuredCalls ? "measured over the " + warmUpCalls[0] + " warm-up events read"
                        : "no warm-up: one per task assumed", eventsPerSecond, eventsPerSecond * callsPerEvent, offeredLoad,
                o.ceilingCallsPerSecond(), o.seed(), settle, SETTLE_SECONDS, o.events(),
                o.events() / eventsPerSecond, o.effectiveCommitIntervalMs());
        CpuSnapshot cpuBefore = CpuSnapshot.ofThisProcess();
        // The schedule's own seed, apart from the texts' and keys' (which are drawn from --seed by index).
        OpenLoopSchedule schedule = OpenLoopSchedule.startingNow(eventsPerSecond, o.seed() * 31 + 7);
        long startMillis = System.currentTimeMillis();
        long[] sends = load.produceOpenLoop(schedule, startMillis, next, settle, "w-", o.events(),
                OutputTracker.MEASURED_PREFIX);
        return new OpenLoopFigures(callsPerEvent, measuredCalls, eventsPerSecond, settle,
                (sends[1] - sends[0]) / 1e9, schedule.lateMicros(), schedule.lateOverOneMs(), cpuBefore,
                (long) settle + o.events());
    }

    private static String shareText(double share) {
        return BigDecimal.valueOf(share).stripTrailingZeros().toPlainString();
    }

    /** {@code usd} with 4 significant digits, never in exponent notation ("0" for nothing). */
    static String usd(double usd) {
        if (usd == 0) {
            return "0";
        }
        return new BigDecimal(usd).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private ClientConfig clientConfig(Simulator simulator) {
        return SimulatedApi.client(simulator, o.concurrency(), o.eventLoops(), RetryPolicy.defaults(), o.faults().any());
    }

    /**
     * Unmeasured events first, continuous with the measured ones (no drain in between, so the measured phase starts
     * at a steady rate). Returns the index of the next event. Adaptive as in {@code bench client}: a first round,
     * then rounds of about two seconds of the ceiling until the JIT is quiet ({@link JitWarmUp}).
     */
    private long warmUp(LoadGenerator load, OutputTracker tracker) throws InterruptedException {
        if (o.warmup() == 0) {
            return 0;
        }
        double eventsPerSecond = o.ceilingCallsPerSecond() / o.tasks().size();
        int first = o.warmup() > 0 ? o.warmup() : (int) Math.max(o.events() / 5, Math.min(5 * eventsPerSecond, 20_000));
        printf("bench pipeline: warming up with %d events%s", first,
                o.warmup() > 0 ? "" : ", then more until the JIT is nearly idle");
        if (o.warmup() > 0) {
            return produceWarmUp(load, tracker, first);
        }
        int round = (int) Math.max(2L * o.window(), Math.min(2 * eventsPerSecond, 20_000));
        JitWarmUp.Outcome w = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(WARMUP_LIMIT_SECONDS), Duration.ZERO,
                JitWarmUp.shareOfProcessCpu(), System::nanoTime)
                .run(() -> produceWarmUp(load, tracker, first), () -> produceWarmUp(load, tracker, round));
        printf("bench pipeline: warmed up with %d events in %.1f s (JIT share of CPU in the last round %.1f%%)",
                w.units(), w.seconds(), w.lastShareOr(1) * 100);
        return w.units();
    }

    /** The next {@code count} warm-up events of the sequence; returns {@code count}. */
    private long produceWarmUp(LoadGenerator load, OutputTracker tracker, int count) throws InterruptedException {
        int produced = load.produce("w-", load.produced(), count, tracker::lastProgressNanos, STALL);
        if (produced < count) {
            throw new IllegalStateException("no output for " + STALL.toSeconds() + " s during the warm-up ("
                    + produced + " of " + count + " events of a round produced)");
        }
        return produced;
    }

    private int report(Measured m) {
        OutputTracker.Summary s = m.summary();
        EngineStats engine = m.engine();
        printf("bench pipeline: engine mean in flight %.0f calls (cap %d), mean waiting for the limit %.0f calls, mean "
                        + "pending %.0f events (window %d) over the measured phase, sampled every 50 ms: window minus "
                        + "pending = events on their way to the engine",
                m.meanInFlight(), o.concurrency(), m.meanWaitingForLimit(), m.meanPending(), o.window());
        if (o.faults().any()) {
            printf("bench pipeline: faults %s; the simulator answered %d of the %d calls 429 (%.2f%%)",
                    o.faults().summary(), m.simulator429s(), m.simulatorCalls(),
                    share(m.simulator429s(), m.simulatorCalls()) * 100);
        }
        if (m.stormCutShort()) {
            printf("bench pipeline: the measured events ended before the storm did: ask for more --events");
        }
        long lost = o.events() - s.withOutput();
        double throughput = s.windowSeconds() > 0 ? s.inWindow() / s.windowSeconds() : 0;
        // API calls per second: one per task per event, less the share of the calls that were saved (a saved call
        // took no slot of the API's concurrency); without saved calls the events per second times the tasks.
        OutputTracker.Calls calls = s.calls();
        double madeShare = calls.made() + calls.saved() == 0 ? 1 : (double) calls.made() / (calls.made() + calls.saved());
        double callsPerSecond = throughput * o.tasks().size() * madeShare;
        double efficiency = callsPerSecond / o.ceilingCallsPerSecond();
        printf("bench pipeline: steady window %.2f s (first to last output read); %.0f API calls/s against a ceiling "
                        + "of %.0f (C / L); simulator saw %d calls while the measured events were produced and read",
                s.windowSeconds(), callsPerSecond, o.ceilingCallsPerSecond(), m.simulatorCalls());
        printf("bench pipeline: engine peak_in_flight=%d (cap %d) peak_pending_per_task=%d admission_wait_ms=%d "
                        + "retries=%d resent=%d dead_letters_by_category=%s",
                engine.peakInFlight(), o.concurrency(), engine.peakPendingPerTask(), engine.admissionWaitMillis(),
                engine.retries(), engine.resent(), engine.deadLettersByCategory());
        printf("bench pipeline: latency p50/p99/max ms: end-to-end %s; of which before and after the call in the "
                        + "engine (slot wait, admission, drain) %s; call %s; output written to read (commit, read) %s",
                percentiles(s.endToEndMicros()), percentiles(s.beforeCallMicros()), percentiles(s.callMicros()),
                percentiles(s.afterOutputMicros()));
        printf("bench pipeline: heap peak used %d MB, peak after a GC %d MB (the whole JVM, sampled every 50 ms in "
                + "the measured phase)", m.heapPeakMb(), m.heapAfterGcPeakMb());
        BenchTexts.Repeats repeats = new BenchTexts(o.seed(), o.duplicates()).repeats(m.firstMeasured(), o.events());
        printf("bench pipeline: texts: %d of the %d measured events repeat an earlier event's text (%d drawn as repeats "
                        + "for --duplicates %s, %d coincidences of the generator's own texts)",
                repeats.repeatedTexts(), o.events(), repeats.drawn(), shareText(o.duplicates()),
                repeats.repeatedTexts() - repeats.drawn());
        CallCounter.Counts observed = m.observed();
        printf("bench pipeline: calls of the measured events' records: %d made (%d requests, retries included), %d "
                        + "saved (answer stored or on its way for an identical call), cost %s USD, saved %s USD at "
                        + "the catalog's prices; cross-check over the measured phase, which also holds the warm-up's "
                        + "last calls: observer %d requests %d saved %s USD, engine %d saved, simulator %d requests",
                calls.made(), calls.requests(), calls.saved(), usd(calls.costUsd()), usd(calls.savedCostUsd()),
                observed.requests(), observed.saved(), usd(observed.costUsd()), m.engineCallsSaved(),
                m.simulatorCalls());
        // calls and calls_saved: from the measured events' own records (model_calls, "cached" or not), exact for
        // these events; the simulator's and the observer's counts over the measured phase also hold the calls of the
        // warm-up's last events (printed above as a cross-check). calls counts requests, retried attempts included, as
        // the simulator counts them. cost_usd: the tokens of the calls made at the default catalog's prices.
        printf("bench pipeline: events=%d enriched=%d dead_lettered=%d lost=%d duplicates=%d throughput_eps=%.0f "
                        + "efficiency=%.3f p50_added_ms=%.1f p99_added_ms=%.1f peak_heap_mb=%d %s answered_429=%.4f %s "
                        + "calls=%d calls_saved=%d cost_usd=%s duplicate_texts=%s cache=%s",
                o.events(), s.enriched(), s.deadLettered(), lost, s.duplicates(), throughput, efficiency,
                added(s.endToEndMicros(), 50), added(s.endToEndMicros(), 99), m.heapPeakMb(), o.faults().summary(),
                share(m.simulator429s(), m.simulatorCalls()), m.limitFigures(), calls.requests(), calls.saved(),
                usd(calls.costUsd()), shareText(o.duplicates()), o.cache() ? "on" : "off");
        if (m.openLoop() != null) {
            reportOpenLoop(m, s, lost, throughput);
        }
        boolean duplicatesBreakTheGuarantee = o.guarantee() == ProcessingGuarantee.EXACTLY_ONCE_V2 && s.duplicates() > 0;
        return lost > 0 || duplicatesBreakTheGuarantee ? 1 : 0;
    }

    /**
     * The open loop's figures, the line {@code bench pipeline open-loop: load=F ...} last. Offered: the schedule's rate;
     * throughput: first outputs over the steady window, as in the closed loop; calls/s: that times the measured
     * events' own requests per event.
     */
    private void reportOpenLoop(Measured m, OutputTracker.Summary s, long lost, double throughput) {
        OpenLoopFigures ol = m.openLoop();
        double requestsPerEvent = s.enriched() == 0 ? 0 : (double) s.calls().requests() / s.enriched();
        double callsPerSecond = throughput * requestsPerEvent;
        double load = ol.eventsPerSecond() * ol.callsPerEvent() / o.ceilingCallsPerSecond();
        CpuSnapshot cpu = ol.cpu();
        double cpuMsPerEvent = cpu.knowsProcessCpu() ? cpu.processNanos() / 1e6 / ol.openLoopEvents() : Double.NaN;
        double cpuCores = cpu.knowsProcessCpu() && cpu.wallNanos() > 0 ? (double) cpu.processNanos() / cpu.wallNanos()
                : Double.NaN;
        Histogram late = ol.lateMicros();
        printf("bench pipeline: open loop: offered %.1f events/s (%.0f calls/s at the warm-up's %.3f per event), "
                        + "measured events sent at %.1f events/s over %.2f s; throughput %.1f events/s, %.0f calls/s "
                        + "(%.3f requests per measured event), %.3f of C / L",
                ol.eventsPerSecond(), ol.eventsPerSecond() * ol.callsPerEvent(), ol.callsPerEvent(),
                ol.sendSeconds() > 0 ? (o.events() - 1) / ol.sendSeconds() : 0, ol.sendSeconds(), throughput,
                callsPerSecond, requestsPerEvent, callsPerSecond / o.ceilingCallsPerSecond());
        printf("bench pipeline: open loop: generator late against its schedule p50/p99/p99.9/max ms %.2f/%.2f/%.2f/%.2f,"
                        + " %d of %d events over 1 ms late (counted in their latency: timestamps are the scheduled "
                        + "arrivals)",
                late.getValueAtPercentile(50) / 1000.0, late.getValueAtPercentile(99) / 1000.0,
                late.getValueAtPercentile(99.9) / 1000.0, late.getMaxValue() / 1000.0, ol.lateOverOneMs(),
                late.getTotalCount());
        printf("bench pipeline: open loop: added latency p50/p99/p99.9/max ms: end-to-end less the calls' critical path "
                        + "(model_calls latency_ms) %s; less L per sequential round of calls %s",
                percentiles4(s.addedMicros()), percentiles4(s.addedRoundsMicros()));
        printf("bench pipeline: open loop: process CPU %.2f ms per event (%.2f cores busy of %d; broker, simulator, "
                        + "pipeline, load and reader) over %d open-loop events",
                cpuMsPerEvent, cpuCores, Runtime.getRuntime().availableProcessors(), ol.openLoopEvents());
        Histogram added = s.addedMicros();
        printf("bench pipeline open-loop: load=%.3f offered_eps=%.1f throughput_eps=%.1f p50_added_ms=%.1f "
                        + "p99_added_ms=%.1f p999_added_ms=%.1f max_added_ms=%.1f commit_interval_ms=%d "
                        + "generator_late_max_ms=%.1f lost=%d duplicates=%d calls_per_event=%.3f calls_per_s=%.0f "
                        + "cpu_ms_per_event=%.3f guarantee=%s",
                load, ol.eventsPerSecond(), throughput, atPercentile(added, 50), atPercentile(added, 99),
                atPercentile(added, 99.9), added.getTotalCount() == 0 ? Double.NaN : added.getMaxValue() / 1000.0,
                o.effectiveCommitIntervalMs(), late.getMaxValue() / 1000.0, lost, s.duplicates(), requestsPerEvent,
                callsPerSecond, cpuMsPerEvent, o.guarantee().streamsValue());
    }

    private static double atPercentile(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** "p50/p99/p99.9/max" in ms of a histogram of microseconds, "-" when empty. */
    private static String percentiles4(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f/%.0f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private double added(Histogram endToEnd, double percentile) {
        return endToEnd.getTotalCount() == 0 ? Double.NaN : endToEnd.getValueAtPercentile(percentile) / 1000.0 - o.latencyMs();
    }

    /** "p50/p99/max" in ms of a histogram of microseconds, "-" when empty. */
    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    // ------------------------------------------------------------------------------------------------------- naive

    /**
     * The naive app on a fresh topic holding the first events of the same sequence, all produced up front. Capped at
     * {@code naiveSeconds} of API latency per stream thread, since it serves one event per L per thread.
     */
    private void runNaive(EmbeddedKafka kafka, Simulator simulator, Path stateDir) throws InterruptedException {
        long cap = Math.max(1, o.naiveSeconds() * 1000L * o.streamThreads() / o.latencyMs());
        int events = (int) Math.min(o.events(), cap);
        String input = "naive-input";
        String output = "naive-output";
        kafka.createTopic(input, o.partitions());
        kafka.createTopic(output, o.partitions());
        printf("bench pipeline naive: blocking call in mapValues, %d of the %d events (capped at about %d s of "
                + "work: one event per %d ms per stream thread)", events, o.events(), o.naiveSeconds(), o.latencyMs());
        try (LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), input, o.keys(), 1, () -> 0, o.seed(),
                o.duplicates())) {
            load.produceAll(input, "n-", events);
        }
        long[] window;
        try (ZeroGpuClient client = ZeroGpuClient.create(clientConfig(simulator));
             NaiveEnricher naive = NaiveEnricher.start(kafka.bootstrapServers(), "bench-naive", input, output,
                     o.tasks(), client, o.guarantee(), o.streamThreads(), stateDir)) {
            window = readCount(kafka.bootstrapServers(), output, events);
        }
        int read = (int) window[2];
        double seconds = (window[1] - window[0]) / 1e9;
        double throughput = seconds > 0 ? (read - window[3]) / seconds : 0;
        double efficiency = throughput * o.tasks().size() / o.ceilingCallsPerSecond();
        if (read < events) {
            printf("bench pipeline naive: only %d of %d outputs within the stall limit", read, events);
        }
        printf("bench pipeline naive: events=%d throughput_eps=%.1f efficiency=%.4f", events, throughput, efficiency);
    }

    /**
     * Reads {@code topic} (read_committed) until {@code n} records or a stall; returns {first nanos, last nanos, count,
     * records of the first poll} (those arrived before the window opened, so the throughput leaves them out).
     */
    private static long[] readCount(String bootstrap, String topic, int n) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(OutputTracker.readCommitted(bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList());
            long first = 0;
            long last = 0;
            long count = 0;
            long firstBatch = 0;
            long progress = System.nanoTime();
            while (count < n && System.nanoTime() - progress < STALL.toNanos()) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    long now = System.nanoTime();
                    if (first == 0) {
                        first = now;
                        firstBatch = records.count();
                    }
                    last = now;
                    progress = now;
                    count += records.count();
                }
            }
            return new long[] {first, last, count, firstBatch};
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
