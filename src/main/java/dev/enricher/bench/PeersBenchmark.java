package dev.enricher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The peers benchmark of {@code stream-enricher bench peers}: this pipeline against the designs a user would pick
 * instead, on the same in-process broker and simulator with the same events, at one point (C, L), at L = 0 for the
 * CPU ceiling, or over the sweep of issue 6 with its CSV and plot. The runs are {@link PeersRun}'s, the text
 * {@link PeersReport}'s, the plot {@link PeersPlot}'s.
 *
 * <p>Every mode prints its figures to the writer given and its summary line last, once the broker, the simulator
 * and every contender are closed, and returns the exit code: 1 when this pipeline lost an input, or duplicated one
 * under exactly_once_v2; else 0. One mode at a time, on the calling thread.
 */
public final class PeersBenchmark {
    static final int[] SWEEP_CONCURRENCY = {64, 256, 1024, 4096};
    static final long[] SWEEP_LATENCY = {20, 200, 1000};
    static final int SWEEP_FIXED_CONCURRENCY = 256;
    static final long SWEEP_FIXED_LATENCY = 200;

    /** Who runs when no contenders are named. */
    public static final List<Contender> DEFAULT_CONTENDERS =
            List.of(Contender.OURS_EOS, Contender.OURS_ALOS, Contender.PC, Contender.KS1, Contender.KS4);
    /** Who runs for the CPU ceiling when no contenders are named. */
    public static final List<Contender> CEILING_CONTENDERS =
            List.of(Contender.OURS_EOS, Contender.OURS_ALOS, Contender.PASS_EOS, Contender.PASS_ALOS);

    /** The designs compared. {@code threads} is the stream-thread count of the Streams-based ones. */
    public enum Contender {
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
         * The contenders of ids, in their order.
         *
         * @throws IllegalArgumentException naming the first unknown id and the known ones
         */
        public static List<Contender> parseAll(List<String> ids) {
            return ids.stream().map(Contender::parse).toList();
        }

        /**
         * The contender of an id ({@code ours-eos}, {@code pc}, ...), case-insensitive.
         *
         * @throws IllegalArgumentException naming the unknown id and the known ones
         */
        public static Contender parse(String id) {
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
     * @param warmupSeconds    least unmeasured load before each row
     * @param warmupMaxSeconds most unmeasured load before each row
     * @param rowSeconds       cap of each row's measured events: as many as its Little's-law ceiling serves in this time
     * @param pcJar            the Parallel Consumer peer's jar
     * @param jfrDir           where each contender's flight recording goes; null for none
     */
    public record Options(long latencyMs, int concurrency, int events, int keys, int partitions,
                          List<Contender> contenders, int warmupSeconds, int warmupMaxSeconds, int rowSeconds,
                          long seed, Path pcJar, int eventLoops, Path jfrDir, List<TracingLevel> tracing) {
        /**
         * @param tracing each ours-* contender's tracing, one row per value in this order; {@code [off]} (or null)
         *                runs every contender once without tracing, as before there was tracing
         */
        public Options {
            tracing = tracing == null || tracing.isEmpty() ? List.of(TracingLevel.OFF) : List.copyOf(tracing);
        }

        /** Without tracing. */
        public Options(long latencyMs, int concurrency, int events, int keys, int partitions,
                       List<Contender> contenders, int warmupSeconds, int warmupMaxSeconds, int rowSeconds,
                       long seed, Path pcJar, int eventLoops, Path jfrDir) {
            this(latencyMs, concurrency, events, keys, partitions, contenders, warmupSeconds, warmupMaxSeconds,
                    rowSeconds, seed, pcJar, eventLoops, jfrDir, null);
        }

        Options at(int c, long l) {
            return new Options(l, c, events, keys, partitions, contenders, warmupSeconds, warmupMaxSeconds, rowSeconds,
                    seed, pcJar, eventLoops, jfrDir, tracing);
        }

        /**
         * Whether the tracing levels make rows of their own: more than one level, or one other than off. When not,
         * every row and line is as before there was tracing.
         */
        boolean tracingRows() {
            return tracing.size() > 1 || tracing.get(0).on();
        }

        /** Whether any ours-* row exports spans (and so the harness runs an OTLP receiver). */
        boolean anyTracingOn() {
            return tracing.stream().anyMatch(TracingLevel::on);
        }

        /** C / L in calls (= events, one task) per second; infinite at L = 0. */
        double ceiling() {
            return latencyMs == 0 ? Double.POSITIVE_INFINITY : concurrency * 1000.0 / latencyMs;
        }
    }

    /** A point (C, L) of a sweep. */
    public record Point(int concurrency, long latencyMs) {
        /**
         * Points written {@code C:L}, in their order.
         *
         * @throws IllegalArgumentException quoting the first that is not
         */
        public static List<Point> parseAll(List<String> texts) {
            return texts.stream().map(Point::parse).toList();
        }

        /**
         * A point written {@code C:L}, e.g. {@code 256:200}.
         *
         * @throws IllegalArgumentException quoting {@code text} when it is not
         */
        public static Point parse(String text) {
            String[] cl = text.trim().split(":");
            try {
                return new Point(Integer.parseInt(cl[0]), Long.parseLong(cl[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not C:L, e.g. 256:200", e);
            }
        }
    }

    /**
     * A value of {@code --tracing}: off, or the sampling ratio in (0, 1] of an ours-* contender's tracing
     * ({@code traceidratio}, every sampled span exported over OTLP).
     *
     * @param ratio 0 for off
     * @param text  how it is written in labels and the summary: {@code off}, {@code 0.01}, {@code 1}
     */
    public record TracingLevel(double ratio, String text) {
        public static final TracingLevel OFF = new TracingLevel(0, "off");

        /**
         * The levels of {@code texts}, in their order.
         *
         * @throws IllegalArgumentException quoting the first that is not {@code off} nor a ratio in (0, 1], or one
         *                                  given twice
         */
        public static List<TracingLevel> parseAll(List<String> texts) {
            List<TracingLevel> levels = new ArrayList<>();
            for (String t : texts) {
                TracingLevel level = parse(t);
                if (levels.stream().anyMatch(l -> l.ratio == level.ratio)) {
                    throw new IllegalArgumentException("'" + t.trim() + "' is given twice");
                }
                levels.add(level);
            }
            return levels;
        }

        /**
         * {@code off} or a ratio in (0, 1], e.g. {@code 0.01}.
         *
         * @throws IllegalArgumentException quoting {@code text} when it is neither
         */
        public static TracingLevel parse(String text) {
            String t = text.trim();
            if (t.equalsIgnoreCase("off")) {
                return OFF;
            }
            BigDecimal ratio;
            try {
                ratio = new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is neither off nor a sampling ratio in (0, 1], "
                        + "e.g. 0.01", e);
            }
            if (ratio.signum() <= 0 || ratio.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("'" + text + "' is not a sampling ratio in (0, 1] (give off for "
                        + "no tracing)");
            }
            return new TracingLevel(ratio.doubleValue(), ratio.stripTrailingZeros().toPlainString());
        }

        public boolean on() {
            return ratio > 0;
        }

        /** Its key in the summary line: {@code off}, {@code r0.01}, {@code r1}. */
        String key() {
            return on() ? "r" + text : "off";
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One contender's figures at one point.
     *
     * @param tracing      its tracing level when the run has rows per level (an ours-* contender's row); else null,
     *                     and the row reads as before there was tracing
     * @param otlpRequests OTLP export requests the harness's receiver got while the row's measured events ran; -1
     *                     when the row exported nothing (no tracing)
     * @param otlpBytes    their bytes (the bodies, as sent); -1 likewise
     */
    record Row(Contender contender, int concurrency, long latencyMs, int events, long enriched, long deadLettered,
               long lost, long duplicated, double eps, double p50Ms, double p99Ms, double cpuSecondsPer1000,
               long peakRssMb, TracingLevel tracing, long otlpRequests, long otlpBytes) {
        /** A row of a run without tracing rows. */
        Row(Contender contender, int concurrency, long latencyMs, int events, long enriched, long deadLettered,
            long lost, long duplicated, double eps, double p50Ms, double p99Ms, double cpuSecondsPer1000,
            long peakRssMb) {
            this(contender, concurrency, latencyMs, events, enriched, deadLettered, lost, duplicated, eps, p50Ms,
                    p99Ms, cpuSecondsPer1000, peakRssMb, null, -1, -1);
        }

        /** Its key in name=value summaries: {@code ours_eos}, or with a tracing level {@code ours_eos_r0.01}. */
        String key() {
            String id = contender.id.replace('-', '_');
            return tracing == null ? id : id + "_" + tracing.key();
        }

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
    private final PeersRun run;

    public PeersBenchmark(PrintWriter out) {
        this.out = out;
        this.run = new PeersRun(out);
    }

    /**
     * Every contender at {@code o}'s point; last line {@code bench peers: ours_eps=X pc_eps=Y ratio=X/Y ...}, or with
     * more than one tracing level {@code bench peers tracing: ...} after it.
     */
    public int runPoint(Options o) throws IOException, InterruptedException {
        List<Row> rows = run.rows(prepared(o));
        printTable(rows);
        printf("bench peers: %s", PeersReport.pointLine(rows, o.ceiling()));
        printTracingLine(o, rows);
        return PeersReport.verdict(rows);
    }

    /**
     * Every contender at L = 0 ({@code o}'s latency is ignored); last line {@code bench peers ceiling: ...}, or with
     * more than one tracing level {@code bench peers tracing: ...} after it.
     */
    public int runCeiling(Options o) throws IOException, InterruptedException {
        List<Row> rows = run.rows(prepared(o.at(o.concurrency(), 0)));
        printTable(rows);
        printf("bench peers ceiling: %s", PeersReport.ceilingLine(rows));
        printTracingLine(o, rows);
        return PeersReport.verdict(rows);
    }

    /**
     * Every contender at each point (by default C in {64, 256, 1024, 4096} at L = 200 ms and L in {20, 1000} ms at
     * C = 256), each point's comparison line after it; writes {@code peers-sweep.csv} to {@code outDir} after every
     * point (a sweep stopped half-way keeps what it measured) and {@code peers-sweep.png} at the end; last line
     * {@code bench peers sweep: ...}.
     *
     * @param points the points to run; empty for the default ones
     */
    public int runSweep(Options base, List<Point> points, Path outDir) throws IOException, InterruptedException {
        if (base.tracingRows()) {
            throw new IllegalArgumentException("tracing rows are for one point or the ceiling, not a sweep");
        }
        List<Point> chosen = points.isEmpty() ? defaultPoints() : points;
        prepared(base);
        Files.createDirectories(outDir);
        Path csv = outDir.resolve("peers-sweep.csv");
        List<Row> rows = new ArrayList<>();
        for (Point point : chosen) {
            Options o = base.at(point.concurrency(), point.latencyMs());
            List<Row> pointRows = run.rows(o);
            printf("bench peers: %s", PeersReport.pointLine(pointRows, o.ceiling()));
            rows.addAll(pointRows);
            Files.writeString(csv, PeersReport.csv(rows), StandardCharsets.UTF_8);
        }
        printTable(rows);
        Path png = outDir.resolve("peers-sweep.png");
        PeersPlot.write(rows, SWEEP_FIXED_LATENCY, SWEEP_FIXED_CONCURRENCY, png);
        double minRatio = Double.POSITIVE_INFINITY;
        double minEfficiency = Double.POSITIVE_INFINITY;
        for (Row r : rows) {
            if (r.contender() == Contender.OURS_EOS) {
                minEfficiency = Math.min(minEfficiency, r.efficiency());
                for (Row p : rows) {
                    if (p.contender() == Contender.PC && p.concurrency() == r.concurrency()
                            && p.latencyMs() == r.latencyMs() && p.eps() > 0) {
                        minRatio = Math.min(minRatio, r.eps() / p.eps());
                    }
                }
            }
        }
        printf("bench peers sweep: points=%d rows=%d ours_vs_pc_min_ratio=%s ours_min_efficiency=%s csv=%s png=%s",
                chosen.size(), rows.size(), PeersReport.num(minRatio), PeersReport.num(minEfficiency), csv, png);
        return PeersReport.verdict(rows);
    }

    /**
     * Draws {@code peers-sweep.png} in {@code outDir} again from the CSV files of earlier sweeps (their rows
     * together), running nothing; last line {@code bench peers plot: rows=N png=P}.
     *
     * @throws IllegalArgumentException naming the file, and the line, that cannot be read as a sweep's CSV
     * @throws IOException              when the plot cannot be written
     */
    public int replot(List<Path> csvFiles, Path outDir) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Path csv : csvFiles) {
            try {
                rows.addAll(PeersReport.parseCsv(Files.readAllLines(csv, StandardCharsets.UTF_8)));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(csv + ": " + e.getMessage(), e);
            }
        }
        Files.createDirectories(outDir);
        Path png = outDir.resolve("peers-sweep.png");
        PeersPlot.write(rows, SWEEP_FIXED_LATENCY, SWEEP_FIXED_CONCURRENCY, png);
        out.println("bench peers plot: rows=" + rows.size() + " png=" + png);
        out.flush();
        return 0;
    }

    static List<Point> defaultPoints() {
        List<Point> points = new ArrayList<>();
        for (int c : SWEEP_CONCURRENCY) {
            points.add(new Point(c, SWEEP_FIXED_LATENCY));
        }
        for (long l : SWEEP_LATENCY) {
            if (l != SWEEP_FIXED_LATENCY) {
                points.add(new Point(SWEEP_FIXED_CONCURRENCY, l));
            }
        }
        return points;
    }

    private static Options prepared(Options o) throws IOException {
        if (o.jfrDir() != null) {
            Files.createDirectories(o.jfrDir());
        }
        return o;
    }

    /** With more than one tracing level, the last line: {@code bench peers tracing: ...}. */
    private void printTracingLine(Options o, List<Row> rows) {
        if (o.tracing().size() > 1) {
            printf("bench peers tracing: %s", PeersReport.tracingLine(rows, o.tracing()));
        }
    }

    private void printTable(List<Row> rows) {
        PeersReport.table(rows).forEach(out::println);
        out.flush();
    }

    private void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
