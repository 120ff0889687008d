package dev.enricher.bench;

import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Row;
import dev.enricher.bench.PeersBenchmark.TracingLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The text of {@code bench peers}' figures: a row's line, the table, the CSV of a sweep and the last lines. */
final class PeersReport {
    private PeersReport() {
    }

    /**
     * A row's figures as {@code name=value} pairs; a row of a tracing level ends with {@code tracing=<level>}, and one
     * that exported spans with {@code otlp_requests=N otlp_kb=K} (what the harness's receiver got while its measured
     * events ran).
     */
    static String describe(Row r) {
        String figures = String.format(Locale.ROOT, "throughput_eps=%.1f efficiency=%s p50_ms=%.0f p99_ms=%.0f "
                        + "cpu_s_per_1000=%.3f peak_rss_mb=%d lost=%d duplicated=%d enriched=%d dead_lettered=%d",
                r.eps(), Double.isNaN(r.efficiency()) ? "-" : String.format(Locale.ROOT, "%.3f", r.efficiency()),
                r.p50Ms(), r.p99Ms(), r.cpuSecondsPer1000(), r.peakRssMb(), r.lost(), r.duplicated(), r.enriched(),
                r.deadLettered());
        if (r.tracing() != null) {
            figures += " tracing=" + r.tracing();
        }
        if (r.otlpRequests() >= 0) {
            figures += String.format(Locale.ROOT, " otlp_requests=%d otlp_kb=%.1f", r.otlpRequests(),
                    r.otlpBytes() / 1024.0);
        }
        return figures;
    }

    /** A Markdown table of {@code rows}, one per contender and point: its lines. */
    static List<String> table(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        lines.add("| contender | C | L ms | events | throughput (events/s) | efficiency vs C/L | p50 / p99 e2e ms "
                + "| CPU s per 1,000 events | peak RSS MB | lost | duplicated |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            lines.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %.0f / %.0f | %.3f | %d | %d | %d |",
                    r.contender().label + (r.tracing() == null ? "" : " tracing=" + r.tracing()), r.concurrency(), r.latencyMs(), r.events(), fmt1(r.eps()),
                    Double.isNaN(r.efficiency()) ? "-" : String.format(Locale.ROOT, "%.3f", r.efficiency()),
                    r.p50Ms(), r.p99Ms(), r.cpuSecondsPer1000(), r.peakRssMb(), r.lost(), r.duplicated()));
        }
        return lines;
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

    /** The comparison at one point: ours (exactly_once_v2) against the Parallel Consumer, then the others. */
    static String pointLine(List<Row> rows, double ceiling) {
        StringBuilder b = new StringBuilder();
        double ours = find(rows, Contender.OURS_EOS).map(Row::eps).orElse(Double.NaN);
        double pc = find(rows, Contender.PC).map(Row::eps).orElse(Double.NaN);
        b.append(String.format(Locale.ROOT, "ours_eps=%s pc_eps=%s ratio=%s", num(ours), num(pc),
                pc > 0 ? String.format(Locale.ROOT, "%.2f", ours / pc) : "-"));
        Row oursRow = find(rows, Contender.OURS_EOS).orElse(null);
        for (Row r : rows) {
            // ours_eps is the first ours-eos row; further ones (other tracing levels) get their own key.
            boolean headline = r.contender() == Contender.PC
                    || (r.contender() == Contender.OURS_EOS && (r.tracing() == null || r == oursRow));
            if (!headline) {
                b.append(' ').append(r.key()).append("_eps=").append(num(r.eps()));
            }
        }
        b.append(" ceiling_eps=").append(Double.isInfinite(ceiling) ? "inf" : num(ceiling));
        find(rows, Contender.OURS_EOS).ifPresent(r -> b.append(String.format(Locale.ROOT,
                " ours_efficiency=%.3f ours_p99_ms=%.0f ours_lost=%d ours_duplicated=%d", r.efficiency(), r.p99Ms(),
                r.lost(), r.duplicated())));
        find(rows, Contender.PC).ifPresent(r -> b.append(String.format(Locale.ROOT,
                " pc_p99_ms=%.0f pc_lost=%d pc_duplicated=%d", r.p99Ms(), r.lost(), r.duplicated())));
        return b.toString();
    }

    /** Throughput and CPU per event of every contender at L = 0. */
    static String ceilingLine(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            String id = r.key();
            b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s_eps=%.0f %s_cpu_us_per_event=%.0f",
                    id, r.eps(), id, r.cpuMicrosPerEvent()));
        }
        return b.toString();
    }

    /**
     * CPU per event and throughput of this pipeline at each tracing level, in their order:
     * {@code off_cpu_us_per_event=X off_eps=Y r0.01_cpu_us_per_event=...}. The rows are ours-eos's, or ours-alos's
     * when ours-eos did not run; a level without a row gets {@code -}.
     */
    static String tracingLine(List<Row> rows, List<TracingLevel> levels) {
        Contender ours = rows.stream().anyMatch(r -> r.contender() == Contender.OURS_EOS && r.tracing() != null)
                ? Contender.OURS_EOS : Contender.OURS_ALOS;
        StringBuilder b = new StringBuilder();
        for (TracingLevel level : levels) {
            Optional<Row> row = rows.stream()
                    .filter(r -> r.contender() == ours && level.equals(r.tracing())).findFirst();
            String key = level.key();
            b.append(b.length() == 0 ? "" : " ").append(row.map(r -> String.format(Locale.ROOT,
                    "%s_cpu_us_per_event=%.0f %s_eps=%.0f", key, r.cpuMicrosPerEvent(), key, r.eps()))
                    .orElse(key + "_cpu_us_per_event=- " + key + "_eps=-"));
        }
        return b.toString();
    }

    /** 1 when this pipeline lost an input, or duplicated one under exactly_once_v2; else 0. */
    static int verdict(List<Row> rows) {
        for (Row r : rows) {
            boolean ours = r.contender() == Contender.OURS_EOS || r.contender() == Contender.OURS_ALOS;
            if (ours && (r.lost() > 0 || (r.contender() == Contender.OURS_EOS && r.duplicated() > 0))) {
                return 1;
            }
        }
        return 0;
    }

    static Optional<Row> find(List<Row> rows, Contender c) {
        return rows.stream().filter(r -> r.contender() == c).findFirst();
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }

    static String fmt0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    static String fmt1(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.1f", v);
    }
}
