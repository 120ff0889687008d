package dev.enricher.bench;

import dev.enricher.avro.DeadLetter;
import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Options;
import dev.enricher.bench.PeersBenchmark.Row;
import dev.enricher.bench.PeersBenchmark.TracingLevel;
import dev.enricher.bench.peers.PeerMain;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.simulator.Simulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Every contender at one point (C, L), one after the other, on one in-process broker and simulator. The harness JVM
 * holds the broker, the simulator, the load generator and the output reader; every contender runs in a child JVM of
 * its own ({@link ContenderProcess}), so the CPU seconds and peak RSS in its row are its own.
 *
 * <p>Per contender: fresh topics; the child starts and says it is ready; a closed-loop load (as in
 * {@code bench pipeline}) keeps at most a window of events produced and without output, first for the warm-up
 * ({@link JitWarmUp} on the child's JIT), then for the measured events; the {@code read_committed} reader matches
 * every output to its input by source partition and offset. Prints a line per step and per row; not thread-safe.
 */
final class PeersRun {
    static final String PC_MAIN = "dev.enricher.bench.peers.pc.ParallelConsumerPeer";
    static final Duration STALL = Duration.ofSeconds(60);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Warm-up events produced between two looks at the JIT. */
    static final int WARMUP_CHUNK = 256;
    /** The JIT is looked at over rounds of at least this long. */
    static final Duration WARMUP_ROUND = Duration.ofSeconds(2);
    /** The children's JVM flags: the same heap cap for every contender, so peak RSS compares like with like. */
    static final List<String> CHILD_JVM = List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    private final PrintWriter out;

    PeersRun(PrintWriter out) {
        this.out = out;
    }

    /**
     * Runs every contender at {@code o}'s point; rows in the contenders' order, once the broker and simulator are
     * closed. With tracing rows ({@link Options#tracingRows}), each ours-* contender runs once per tracing level, in
     * the levels' order; the others once. When a level exports, an {@link OtlpSink} in this JVM receives the spans.
     */
    List<Row> rows(Options o) throws InterruptedException {
        printf("bench peers: latency_ms=%d concurrency=%d ceiling C/L=%s events/s, task iab, keys=%d partitions=%d, "
                        + "%d cores; broker, simulator, load and reader in this JVM, each contender in its own JVM (%s)",
                o.latencyMs(), o.concurrency(), Double.isInfinite(o.ceiling()) ? "inf" : PeersReport.fmt0(o.ceiling()),
                o.keys(), o.partitions(), Runtime.getRuntime().availableProcessors(), String.join(" ", CHILD_JVM));
        List<Row> rows = new ArrayList<>();
        try (ScratchDir tmp = ScratchDir.create("bench-peers-");
             EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator simulator = Simulator.start(SimulatedApi.simulator(o.latencyMs(), o.concurrency(),
                     o.eventLoops()));
             OtlpSink otlp = o.anyTracingOn() ? OtlpSink.start() : null) {
            if (otlp != null) {
                printf("bench peers: tracing %s: ours-* contenders sample with traceidratio and export every sampled "
                        + "span over OTLP http/protobuf to a discard receiver in this JVM at %s",
                        o.tracing(), otlp.endpoint());
            }
            int index = 0;
            for (Contender c : o.contenders()) {
                for (TracingLevel level : levels(o, c)) {
                    rows.add(runRow(o, c, level, index++, kafka, simulator, otlp, tmp));
                }
            }
        }
        return rows;
    }

    /**
     * The tracing levels {@code c} runs at: each of {@code o}'s for an ours-* contender when the run has tracing
     * rows; else one null (a row as before there was tracing).
     */
    static List<TracingLevel> levels(Options o, Contender c) {
        boolean ours = c == Contender.OURS_EOS || c == Contender.OURS_ALOS;
        return ours && o.tracingRows() ? o.tracing() : java.util.Collections.singletonList(null);
    }

    /**
     * Unmeasured load, continuous with the measured events: at least {@code warmupSeconds}, then until the child's
     * JIT compilers used under 2 % of a core over the last 2 s (as {@code bench client} and {@code bench pipeline}
     * wait for their own JIT), at most {@code warmupMaxSeconds}. Returns the index of the next event.
     */
    private long warmUp(Options o, String tag, ContenderProcess child, LoadGenerator load, OutputTracker tracker,
                        int window, int events) throws InterruptedException {
        // Small chunks, so that the JIT is looked at about every 2 s also when the window is large (C = 4096).
        int chunk = Math.max(1, Math.min(Math.min(window, events), WARMUP_CHUNK));
        JitWarmUp.Outcome w = new JitWarmUp(Duration.ofSeconds(o.warmupSeconds()),
                Duration.ofSeconds(o.warmupMaxSeconds()), WARMUP_ROUND, JitWarmUp.shareOfACore(child::jitMillis),
                System::nanoTime)
                .run(() -> 0, () -> {
                    int produced = load.produce("w-", load.produced(), chunk, tracker::lastProgressNanos, STALL);
                    if (produced < chunk) {
                        throw new IllegalStateException("contender " + tag + ": no output for " + STALL.toSeconds()
                                + " s during the warm-up" + (child.isAlive() ? "" : " (it exited)") + "; its output:\n"
                                + child.tail());
                    }
                    return produced;
                });
        printf("bench peers: [%s] warmed up with %d events in %.1f s (the JIT used %s of a core in the last round)",
                tag, w.units(), w.seconds(),
                Double.isNaN(w.lastShare()) ? "-" : String.format(Locale.ROOT, "%.1f%%", w.lastShare() * 100));
        return w.units();
    }

    /**
     * Most events produced and without output, per contender: what its calls hold plus what it completes in 100 ms
     * at its ceiling (for the way through Kafka), as {@code bench pipeline}. A blocking
     * design gets three events per stream thread: with one in its call per thread, the other two keep every
     * thread's partitions fed although the keys spread the events unevenly over them. At L = 0 four times the
     * concurrency: there the way through Kafka (and, under exactly_once_v2, the commit) is the whole round trip, and
     * the window must cover it at the CPU's rate, or the window and not the CPU is what gets measured.
     */
    static int window(Contender c, int eventConcurrency, long latencyMs) {
        if ("streams-blocking".equals(c.peerKind)) {
            return 3 * c.threads;
        }
        return latencyMs == 0 ? 4 * eventConcurrency
                : eventConcurrency + (int) Math.ceil(eventConcurrency * 100.0 / latencyMs);
    }

    /**
     * One row: {@code c} at {@code level} (null: as before there was tracing; off: no tracing, labelled so). A level
     * that is on gets {@code --tracing R --tracing-endpoint} of {@code otlp}, and the row the requests and bytes
     * {@code otlp} received while its measured events ran (the window of its CPU figure).
     */
    private Row runRow(Options o, Contender c, TracingLevel level, int index, EmbeddedKafka kafka, Simulator simulator,
                       OtlpSink otlp, ScratchDir tmp) throws InterruptedException {
        String tag = level == null ? c.id : c.id + " tracing=" + level;
        String prefix = "peers-" + index + "-" + c.id;
        String input = prefix + "-input";
        String enriched = prefix + "-enriched";
        String deadLetters = prefix + "-dead-letters";
        for (String topic : List.of(input, enriched, deadLetters)) {
            kafka.createTopic(topic, o.partitions());
        }
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int enrichedId = registry.register(enriched + "-value", dev.enricher.bench.peers.PeerRecords.SCHEMA);
        int deadLetterId = registry.register(deadLetters + "-value", DeadLetter.getClassSchema());
        int eventConcurrency = c.eventConcurrency(o.concurrency());
        int window = window(c, eventConcurrency, o.latencyMs());
        double rowCeiling = o.latencyMs() == 0 ? Double.POSITIVE_INFINITY : eventConcurrency * 1000.0 / o.latencyMs();
        int events = (int) Math.max(1, Math.min(o.events(), Math.ceil(rowCeiling * o.rowSeconds())));
        List<String> args = new ArrayList<>(List.of("--bootstrap", kafka.bootstrapServers(), "--input-topic", input,
                "--output-topic", enriched, "--dead-letter-topic", deadLetters, "--group", prefix + "-app",
                "--api-url", simulator.baseUrl() + "/chat/completions", "--concurrency",
                Integer.toString(o.concurrency()), "--threads", Integer.toString(c.threads), "--guarantee", c.guarantee,
                "--schema-id", Integer.toString(enrichedId), "--dead-letter-schema-id", Integer.toString(deadLetterId),
                "--state-dir", tmp.resolve(prefix).toString()));
        String classpath;
        String main;
        if (c == Contender.PC) {
            classpath = o.pcJar().toString();
            main = PC_MAIN;
        } else {
            classpath = System.getProperty("java.class.path");
            main = PeerMain.class.getName();
            args.add(0, c.peerKind);
        }
        boolean traced = level != null && level.on();
        if (traced) {
            args.addAll(List.of("--tracing", level.text(), "--tracing-endpoint", otlp.endpoint()));
        }
        printf("bench peers: [%s] %s: window %d events, %d measured events after a warm-up of %d-%d s", tag,
                c.label + (level == null ? "" : traced ? ", tracing at ratio " + level + " exported over OTLP"
                        : ", tracing off"), window, events, o.warmupSeconds(), Math.max(o.warmupSeconds(), o.warmupMaxSeconds()));
        List<String> jvm = new ArrayList<>(CHILD_JVM);
        if (o.jfrDir() != null) {
            jvm.add("-XX:StartFlightRecording=settings=profile,filename="
                    + o.jfrDir().resolve(prefix + "-c" + o.concurrency() + "-l" + o.latencyMs() + ".jfr"));
        }
        try (ContenderProcess child = ContenderProcess.start(prefix, classpath, jvm, main, args, SimulatedApi.API_KEY,
                     tmp.path());
             OutputTracker tracker = OutputTracker.start(kafka.bootstrapServers(), enriched, deadLetters, registry);
             LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), input, o.keys(), window,
                     tracker::firstOutputs, o.seed())) {
            child.awaitReady(READY_TIMEOUT);
            long next = warmUp(o, tag, child, load, tracker, window, events);
            OtlpSink.Counts otlpBefore = traced ? otlp.counts() : null;
            CpuSnapshot cpuBefore = child.cpu();
            int produced = load.produce(OutputTracker.MEASURED_PREFIX, next, events, tracker::lastProgressNanos,
                    STALL);
            boolean complete = produced == events && tracker.awaitMeasured(events, STALL);
            CpuSnapshot cpu = child.cpu().minus(cpuBefore);
            OtlpSink.Counts exported = traced ? otlp.counts().minus(otlpBefore) : new OtlpSink.Counts(-1, -1);
            long rss = child.peakRssMb();
            if (!complete) {
                printf("bench peers: [%s] no output for %d s; stopped waiting (%s)", tag, STALL.toSeconds(),
                        child.isAlive() ? "the contender is running" : "the contender exited");
            }
            tracker.close();
            OutputTracker.Summary s = tracker.summary();
            double eps = s.windowSeconds() > 0 ? s.inWindow() / s.windowSeconds() : 0;
            double cpuPer1000 = cpu.knowsProcessCpu() && s.withOutput() > 0
                    ? cpu.processNanos() / 1e9 / s.withOutput() * 1000 : Double.NaN;
            Row row = new Row(c, o.concurrency(), o.latencyMs(), events, s.enriched(), s.deadLettered(),
                    events - s.withOutput(), s.duplicates(), eps, percentile(s.endToEndMicros(), 50),
                    percentile(s.endToEndMicros(), 99), cpuPer1000, rss, level, exported.requests(),
                    exported.bytes());
            printf("bench peers: [%s] latency p50/p99/max ms: end-to-end %s; input timestamp to enriched_at minus the "
                            + "call %s; call %s; enriched_at to read %s", tag,
                    PipelineBenchmark.percentiles(s.endToEndMicros()),
                    PipelineBenchmark.percentiles(s.beforeCallMicros()), PipelineBenchmark.percentiles(s.callMicros()),
                    PipelineBenchmark.percentiles(s.afterOutputMicros()));
            printf("bench peers: [%s] %s", tag, PeersReport.describe(row));
            return row;
        }
    }

    private static double percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    private void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
