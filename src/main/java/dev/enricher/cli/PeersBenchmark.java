package dev.enricher.cli;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.peers.PeerMain;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code stream-enricher bench peers}: this pipeline against the designs a user would pick instead, on the same
 * in-process broker and simulator with the same events, one contender after the other. The harness JVM holds the
 * broker, the simulator, the load generator and the output reader; every contender runs in a child JVM of its own
 * ({@link ContenderProcess}), so the CPU seconds and peak RSS in its row are its own.
 *
 * <p>Per contender: fresh topics; the child starts and says it is ready; a closed-loop load (as in
 * {@code bench pipeline}) keeps at most a window of events produced and without output, first for the warm-up
 * seconds, then for the measured events; the {@code read_committed} reader matches every output to its input by
 * source partition and offset. One run per instance; not thread-safe.
 */
final class PeersBenchmark {
    static final String API_KEY = "zgpu-api-bench";
    static final String PC_MAIN = "dev.enricher.peers.pc.ParallelConsumerPeer";
    static final Duration STALL = Duration.ofSeconds(60);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** The children's JVM flags: the same heap cap for every contender, so peak RSS compares like with like. */
    /** The JIT is nearly idle when it used less than this share of a core over a warm-up round. */
    static final double JIT_QUIET_SHARE = 0.02;
    /** Warm-up events produced between two looks at the JIT. */
    static final int WARMUP_CHUNK = 256;
    static final List<String> CHILD_JVM = List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError");

    /** The designs compared. {@code threads} is the stream-thread count of the Streams-based ones. */
    enum Contender {
        OURS_EOS("ours-eos", "stream-enricher, exactly_once_v2", "engine", "exactly_once_v2", 1),
        OURS_ALOS("ours-alos", "stream-enricher, at_least_once", "engine", "at_least_once", 1),
        PC("pc", "Parallel Consumer 0.5.3.3 Vert.x, KEY order", null, "at_least_once", 1),
        KS1("ks1", "Kafka Streams, blocking call, 1 thread", "streams-blocking", "at_least_once", 1),
        KS4("ks4", "Kafka Streams, blocking call, 4 threads", "streams-blocking", "at_least_once", 4),
        PASS_ALOS("pass-alos", "Kafka Streams passthrough (no call), at_least_once", "streams-passthrough",
                "at_least_once", 1),
        PASS_EOS("pass-eos", "Kafka Streams passthrough (no call), exactly_once_v2", "streams-passthrough",
                "exactly_once_v2", 1);

        final String id;
        final String label;
        final String peerKind;
        final String guarantee;
        final int threads;

        Contender(String id, String label, String peerKind, String guarantee, int threads) {
            this.id = id;
            this.label = label;
            this.peerKind = peerKind;
            this.guarantee = guarantee;
            this.threads = threads;
        }

        /** Events it can have in flight: a blocking stream thread holds one. */
        int eventConcurrency(int concurrency) {
            return "streams-blocking".equals(peerKind) ? threads : concurrency;
        }

        /**
         * @throws IllegalArgumentException naming the unknown id and the known ones
         */
        static Contender parse(String id) {
            for (Contender c : values()) {
                if (c.id.equalsIgnoreCase(id.trim())) {
                    return c;
                }
            }
            List<String> known = new ArrayList<>();
            for (Contender c : values()) {
                known.add(c.id);
            }
            throw new IllegalArgumentException("'" + id + "' is no contender; known: " + String.join(", ", known));
        }
    }

    /**
     * What to run at one point (C, L).
     *
     * @param rowSeconds cap of each row's measured events: as many as its Little's-law ceiling serves in this time
     */
    record Options(long latencyMs, int concurrency, int events, int keys, int partitions, List<Contender> contenders,
                   int warmupSeconds, int warmupMaxSeconds, int rowSeconds, long seed, Path pcJar, int eventLoops,
                   Path jfrDir) {
        Options at(int c, long l) {
            return new Options(l, c, events, keys, partitions, contenders, warmupSeconds, warmupMaxSeconds, rowSeconds,
                    seed, pcJar, eventLoops, jfrDir);
        }

        /** C / L in calls (= events, one task) per second; infinite at L = 0. */
        double ceiling() {
            return latencyMs == 0 ? Double.POSITIVE_INFINITY : concurrency * 1000.0 / latencyMs;
        }
    }

    /** One contender's figures at one point. */
    record Row(Contender contender, int concurrency, long latencyMs, int events, long enriched, long deadLettered,
               long lost, long duplicated, double eps, double p50Ms, double p99Ms, double cpuSecondsPer1000,
               long peakRssMb) {
        double ceiling() {
            return latencyMs == 0 ? Double.POSITIVE_INFINITY : concurrency * 1000.0 / latencyMs;
        }

        double efficiency() {
            return Double.isInfinite(ceiling()) ? Double.NaN : eps / ceiling();
        }

        double cpuMicrosPerEvent() {
            return cpuSecondsPer1000 * 1000;
        }
    }

    private final PrintWriter out;

    PeersBenchmark(PrintWriter out) {
        this.out = out;
    }

    /** Runs every contender at {@code o}'s point; rows in the contenders' order. */
    List<Row> runPoint(Options o) throws InterruptedException {
        SimulatorConfig simConfig = PipelineBenchmark.simulatorConfig(o.latencyMs(), o.concurrency(), o.eventLoops());
        printf("bench peers: latency_ms=%d concurrency=%d ceiling C/L=%s events/s, task iab, keys=%d partitions=%d, "
                        + "%d cores; broker, simulator, load and reader in this JVM, each contender in its own JVM (%s)",
                o.latencyMs(), o.concurrency(), Double.isInfinite(o.ceiling()) ? "inf" : fmt0(o.ceiling()), o.keys(),
                o.partitions(), Runtime.getRuntime().availableProcessors(), String.join(" ", CHILD_JVM));
        Path tmp = PipelineBenchmark.createTempDir();
        List<Row> rows = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator simulator = Simulator.start(simConfig)) {
            int index = 0;
            for (Contender c : o.contenders()) {
                rows.add(runRow(o, c, index++, kafka, simulator, tmp));
            }
        } finally {
            PipelineBenchmark.deleteRecursively(tmp);
        }
        return rows;
    }

    /**
     * Unmeasured load, continuous with the measured events: at least {@code warmupSeconds}, then until the child's
     * JIT compilers used under 2 % of a core over the last 2 s (as {@code bench client} and {@code bench pipeline}
     * wait for their own JIT), at most {@code warmupMaxSeconds}. Returns the index of the next event.
     */
    private long warmUp(Options o, Contender c, ContenderProcess child, LoadGenerator load, OutputTracker tracker,
                        int window, int events) throws InterruptedException {
        long start = System.nanoTime();
        long minEnd = start + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
        long maxEnd = start + TimeUnit.SECONDS.toNanos(Math.max(o.warmupSeconds(), o.warmupMaxSeconds()));
        long roundStart = start;
        long roundJit = child.jitMillis();
        double share = Double.NaN;
        long next = 0;
        // Small chunks, so that the JIT is looked at about every 2 s also when the window is large (C = 4096).
        int chunk = Math.max(1, Math.min(Math.min(window, events), WARMUP_CHUNK));
        while (System.nanoTime() < maxEnd) {
            int produced = load.produce("w-", next, chunk, tracker::lastProgressNanos, STALL);
            next += produced;
            if (produced < chunk) {
                throw new IllegalStateException("contender " + c.id + ": no output for " + STALL.toSeconds()
                        + " s during the warm-up" + (child.isAlive() ? "" : " (it exited)") + "; its output:\n"
                        + child.tail());
            }
            long now = System.nanoTime();
            if (now - roundStart >= TimeUnit.SECONDS.toNanos(2)) {
                long jit = child.jitMillis();
                boolean reports = jit >= 0;
                share = roundJit < 0 || !reports ? Double.NaN : (jit - roundJit) / ((now - roundStart) / 1e6);
                // Quiet: a full round measured under the threshold. A child that has not reported after the
                // minimum never will (no JIT timing in that JVM): the minimum is all we can do.
                boolean quiet = share < JIT_QUIET_SHARE || (!reports && now >= minEnd);
                if (now >= minEnd && quiet) {
                    break;
                }
                roundStart = now;
                roundJit = jit;
            }
        }
        printf("bench peers: [%s] warmed up with %d events in %.1f s (the JIT used %s of a core in the last round)",
                c.id, next, (System.nanoTime() - start) / 1e9,
                Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f%%", share * 100));
        return next;
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

    private Row runRow(Options o, Contender c, int index, EmbeddedKafka kafka, Simulator simulator, Path tmp)
            throws InterruptedException {
        String prefix = "peers-" + index + "-" + c.id;
        String input = prefix + "-input";
        String enriched = prefix + "-enriched";
        String deadLetters = prefix + "-dead-letters";
        for (String topic : List.of(input, enriched, deadLetters)) {
            kafka.createTopic(topic, o.partitions());
        }
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int enrichedId = registry.register(enriched + "-value", EnrichedEvent.getClassSchema());
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
        printf("bench peers: [%s] %s: window %d events, %d measured events after a warm-up of %d-%d s", c.id,
                c.label, window, events, o.warmupSeconds(), Math.max(o.warmupSeconds(), o.warmupMaxSeconds()));
        List<String> jvm = new ArrayList<>(CHILD_JVM);
        if (o.jfrDir() != null) {
            jvm.add("-XX:StartFlightRecording=settings=profile,filename="
                    + o.jfrDir().resolve(prefix + "-c" + o.concurrency() + "-l" + o.latencyMs() + ".jfr"));
        }
        try (ContenderProcess child = ContenderProcess.start(prefix, classpath, jvm, main, args, API_KEY, tmp);
             OutputTracker tracker = OutputTracker.start(kafka.bootstrapServers(), enriched, deadLetters, registry);
             LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), input, o.keys(), window,
                     tracker::firstOutputs, o.seed())) {
            child.awaitReady(READY_TIMEOUT);
            long next = warmUp(o, c, child, load, tracker, window, events);
            Optional<Duration> cpuBefore = child.cpu();
            int produced = load.produce(OutputTracker.MEASURED_PREFIX, next, events, tracker::lastProgressNanos,
                    STALL);
            boolean complete = produced == events && tracker.awaitMeasured(events, STALL);
            Optional<Duration> cpuAfter = child.cpu();
            long rss = child.peakRssMb();
            if (!complete) {
                printf("bench peers: [%s] no output for %d s; stopped waiting (%s)", c.id, STALL.toSeconds(),
                        child.isAlive() ? "the contender is running" : "the contender exited");
            }
            tracker.close();
            OutputTracker.Summary s = tracker.summary();
            double eps = s.windowSeconds() > 0 ? s.inWindow() / s.windowSeconds() : 0;
            double cpuPer1000 = cpuBefore.isPresent() && cpuAfter.isPresent() && s.withOutput() > 0
                    ? cpuAfter.get().minus(cpuBefore.get()).toNanos() / 1e9 / s.withOutput() * 1000 : Double.NaN;
            Row row = new Row(c, o.concurrency(), o.latencyMs(), events, s.enriched(), s.deadLettered(),
                    events - s.withOutput(), s.duplicates(), eps, percentile(s.endToEndMicros(), 50),
                    percentile(s.endToEndMicros(), 99), cpuPer1000, rss);
            printf("bench peers: [%s] latency p50/p99/max ms: end-to-end %s; input timestamp to enriched_at minus the "
                            + "call %s; call %s; enriched_at to read %s", c.id, PipelineBenchmark.percentiles(s.endToEndMicros()),
                    PipelineBenchmark.percentiles(s.beforeCallMicros()), PipelineBenchmark.percentiles(s.callMicros()),
                    PipelineBenchmark.percentiles(s.afterOutputMicros()));
            printf("bench peers: [%s] %s", c.id, describe(row));
            return row;
        }
    }

    // --------------------------------------------------------------------------------------------------- reports

    static String describe(Row r) {
        return String.format(Locale.ROOT, "throughput_eps=%.1f efficiency=%s p50_ms=%.0f p99_ms=%.0f "
                        + "cpu_s_per_1000=%.3f peak_rss_mb=%d lost=%d duplicated=%d enriched=%d dead_lettered=%d",
                r.eps(), Double.isNaN(r.efficiency()) ? "-" : String.format(Locale.ROOT, "%.3f", r.efficiency()),
                r.p50Ms(), r.p99Ms(), r.cpuSecondsPer1000(), r.peakRssMb(), r.lost(), r.duplicated(), r.enriched(),
                r.deadLettered());
    }

    /** A Markdown table of {@code rows}, one per contender and point. */
    void printTable(List<Row> rows) {
        out.println("| contender | C | L ms | events | throughput (events/s) | efficiency vs C/L | p50 / p99 e2e ms "
                + "| CPU s per 1,000 events | peak RSS MB | lost | duplicated |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %.0f / %.0f | %.3f | %d | %d | %d |",
                    r.contender().label, r.concurrency(), r.latencyMs(), r.events(), fmt1(r.eps()),
                    Double.isNaN(r.efficiency()) ? "-" : String.format(Locale.ROOT, "%.3f", r.efficiency()),
                    r.p50Ms(), r.p99Ms(), r.cpuSecondsPer1000(), r.peakRssMb(), r.lost(), r.duplicated()));
        }
        out.flush();
    }

    /** The CSV of a sweep: a header line, then one line per row. */
    static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder("contender,concurrency,latency_ms,events,throughput_eps,ceiling_eps,"
                + "efficiency,p50_ms,p99_ms,cpu_s_per_1000,peak_rss_mb,lost,duplicated\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.1f,%s,%s,%.0f,%.0f,%.4f,%d,%d,%d%n", r.contender().id,
                    r.concurrency(), r.latencyMs(), r.events(), r.eps(),
                    Double.isInfinite(r.ceiling()) ? "" : String.format(Locale.ROOT, "%.1f", r.ceiling()),
                    Double.isNaN(r.efficiency()) ? "" : String.format(Locale.ROOT, "%.4f", r.efficiency()),
                    r.p50Ms(), r.p99Ms(), r.cpuSecondsPer1000(), r.peakRssMb(), r.lost(), r.duplicated()));
        }
        return b.toString();
    }

    /**
     * The rows of a CSV that {@link #csv} wrote, so a plot can be drawn again, or from several sweeps' files.
     *
     * @throws IllegalArgumentException naming the line that is not such a row
     */
    static List<Row> parseCsv(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                if (f.length != 13) {
                    throw new IllegalArgumentException("13 fields expected, found " + f.length);
                }
                rows.add(new Row(Contender.parse(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]),
                        Integer.parseInt(f[3]), 0, 0, Long.parseLong(f[11]), Long.parseLong(f[12]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[7]), Double.parseDouble(f[8]),
                        Double.parseDouble(f[9]), Long.parseLong(f[10])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a bench peers row: " + e.getMessage(),
                        e);
            }
        }
        return rows;
    }

    static Optional<Row> find(List<Row> rows, Contender c) {
        return rows.stream().filter(r -> r.contender() == c).findFirst();
    }

    private static double percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(p) / 1000.0;
    }

    static String fmt0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String fmt1(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }

    void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

}
