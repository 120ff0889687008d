package dev.enricher.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Path2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One trace drawn as a waterfall PNG (JFreeChart, headless), the way Jaeger shows it: one row per span, depth-first
 * from the root(s) in start order and indented by depth, a bar from the span's start to its end on a time axis in
 * milliseconds from the trace's first start, the span's duration after its bar, its events as markers on it, and
 * spans with an error status in red. The name column carries a short label of the attributes that explain a row
 * ({@code gen_ai.request.model}, {@code http.response.status_code}, {@code enricher.retry},
 * {@code enricher.outcome}).
 *
 * <p>An {@link XYPlot} turned horizontal: the domain axis is the row (a {@link SymbolAxis} naming each row), the
 * range axis the time; bars are an {@link XYIntervalSeriesCollection} under an {@link XYBarRenderer} (one series
 * for spans, one for error spans), events a second dataset of shapes only.
 */
public final class TraceWaterfall {
    /** Image width; the height is {@link #HEADER_PX} plus {@link #ROW_PX} per span. */
    public static final int WIDTH_PX = 1200;
    public static final int HEADER_PX = 120;
    public static final int ROW_PX = 28;

    private static final Color SPAN = new Color(0x1F77B4);
    private static final Color ERROR = new Color(0xD62728);
    private static final Color EVENT = new Color(0x222222);
    /** The name column's longest label (characters): beyond it, a label is cut with an ellipsis. */
    private static final int MAX_LABEL = 60;
    private static final int INDENT = 2;
    private static final List<String> KEY_ATTRIBUTES = List.of("enricher.task", "enricher.piece",
            "gen_ai.request.model", "http.response.status_code", "enricher.retry", "enricher.cached",
            "enricher.outcome");
    private static final DecimalFormat MS = new DecimalFormat("#,##0.##");

    private TraceWaterfall() {
    }

    /**
     * Writes the waterfall of {@code spans} (all the spans of one trace; a span whose parent is not among them is
     * drawn as a root) to {@code png}, {@value #WIDTH_PX} px wide and {@code 120 + 28 * spans.size()} px high.
     *
     * @throws IllegalArgumentException when {@code spans} is empty
     */
    public static void write(List<SpanData> spans, String title, Path png) throws IOException {
        if (spans.isEmpty()) {
            throw new IllegalArgumentException("no spans to draw");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<Row> rows = rows(spans);
        JFreeChart chart = chart(rows, title);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH_PX, HEADER_PX + ROW_PX * rows.size());
    }

    /**
     * The spans of the trace with the most spans among {@code spans} (ties: the trace that started first), in
     * start order; empty when {@code spans} is.
     */
    public static List<SpanData> richestTrace(Collection<SpanData> spans) {
        Map<String, List<SpanData>> byTrace = new LinkedHashMap<>();
        for (SpanData s : spans) {
            byTrace.computeIfAbsent(s.getTraceId(), t -> new ArrayList<>()).add(s);
        }
        List<SpanData> best = List.of();
        long bestStart = Long.MAX_VALUE;
        for (List<SpanData> trace : byTrace.values()) {
            long start = trace.stream().mapToLong(SpanData::getStartEpochNanos).min().orElse(Long.MAX_VALUE);
            if (trace.size() > best.size() || (trace.size() == best.size() && start < bestStart)) {
                best = trace;
                bestStart = start;
            }
        }
        List<SpanData> out = new ArrayList<>(best);
        out.sort(BY_START);
        return out;
    }

    // ---- rows -------------------------------------------------------------------------------------------------

    /** A span in drawing order with its depth under its root. */
    record Row(SpanData span, int depth) {
    }

    private static final Comparator<SpanData> BY_START = Comparator.comparingLong(SpanData::getStartEpochNanos)
            .thenComparing(SpanData::getSpanId);

    /** Depth-first from the roots (spans whose parent is not in {@code spans}), siblings in start order. */
    static List<Row> rows(List<SpanData> spans) {
        Set<String> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.getSpanId()));
        Map<String, List<SpanData>> children = new HashMap<>();
        List<SpanData> roots = new ArrayList<>();
        for (SpanData s : spans) {
            String parent = s.getParentSpanId();
            if (s.getParentSpanContext().isValid() && ids.contains(parent) && !parent.equals(s.getSpanId())) {
                children.computeIfAbsent(parent, p -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        roots.sort(BY_START);
        children.values().forEach(c -> c.sort(BY_START));
        List<Row> rows = new ArrayList<>(spans.size());
        Set<SpanData> seen = new HashSet<>();
        for (SpanData root : roots) {
            visit(root, 0, children, seen, rows);
        }
        // Only a parent cycle (never from a real tracer) leaves spans unvisited: drawn as roots rather than lost.
        spans.stream().filter(s -> !seen.contains(s)).sorted(BY_START).forEach(s -> visit(s, 0, children, seen, rows));
        return rows;
    }

    private static void visit(SpanData span, int depth, Map<String, List<SpanData>> children, Set<SpanData> seen,
                              List<Row> rows) {
        if (!seen.add(span)) {
            return;
        }
        rows.add(new Row(span, depth));
        for (SpanData child : children.getOrDefault(span.getSpanId(), List.of())) {
            visit(child, depth + 1, children, seen, rows);
        }
    }

    /** The span's name with its key attributes, e.g. {@code chat (zgpu-small, HTTP 503, retry 1)}. */
    static String label(SpanData span) {
        List<String> parts = new ArrayList<>();
        for (String key : KEY_ATTRIBUTES) {
            Object v = span.getAttributes().get(attributeKey(span, key));
            if (v == null || (key.equals("gen_ai.request.model") && span.getName().contains(String.valueOf(v)))
                    || (key.equals("enricher.retry") && Long.valueOf(0).equals(v))
                    || (key.equals("enricher.task") && !span.getName().startsWith("chat "))) {
                continue; // said by the name already, or nothing to say
            }
            parts.add(switch (key) {
                case "enricher.piece" -> "piece " + v;
                case "enricher.cached" -> Boolean.TRUE.equals(v) ? "stored answer" : "paid";
                case "http.response.status_code" -> "HTTP " + v;
                case "enricher.retry" -> v instanceof Boolean b ? (b ? "retry" : "first try") : "retry " + v;
                default -> String.valueOf(v);
            });
        }
        return parts.isEmpty() ? span.getName() : span.getName() + " (" + String.join(", ", parts) + ")";
    }

    /** The attribute key of that name whatever its type (a status code may be recorded as a long or a string). */
    private static AttributeKey<?> attributeKey(SpanData span, String name) {
        for (AttributeKey<?> k : span.getAttributes().asMap().keySet()) {
            if (k.getKey().equals(name)) {
                return k;
            }
        }
        return AttributeKey.stringKey(name);
    }

    // ---- chart ------------------------------------------------------------------------------------------------

    private static JFreeChart chart(List<Row> rows, String title) {
        long t0 = rows.stream().mapToLong(r -> r.span().getStartEpochNanos()).min().orElseThrow();
        double totalMs = Math.max(ms(rows.stream().mapToLong(r -> r.span().getEndEpochNanos()).max().orElseThrow(),
                t0), 1e-3);
        // A span shorter than a pixel still shows as a sliver.
        double minBarMs = totalMs / 1000;

        XYIntervalSeries ok = new XYIntervalSeries("span");
        XYIntervalSeries failed = new XYIntervalSeries("error status");
        XYSeries events = new XYSeries("event", false, true);
        List<XYTextAnnotation> durations = new ArrayList<>();
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        for (int i = 0; i < rows.size(); i++) {
            SpanData s = rows.get(i).span();
            double start = ms(s.getStartEpochNanos(), t0);
            double end = Math.max(ms(s.getEndEpochNanos(), t0), start + minBarMs);
            boolean error = s.getStatus().getStatusCode() == StatusCode.ERROR;
            (error ? failed : ok).add(i, i - 0.32, i + 0.32, start, start, end);
            for (EventData e : s.getEvents()) {
                events.add(i, ms(e.getEpochNanos(), t0));
            }
            XYTextAnnotation d = new XYTextAnnotation("  " + MS.format(ms(s.getEndEpochNanos(), s.getStartEpochNanos()))
                    + " ms", i, end);
            d.setFont(small);
            d.setTextAnchor(TextAnchor.CENTER_LEFT);
            d.setPaint(error ? ERROR : Color.DARK_GRAY);
            durations.add(d);
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        bars.addSeries(ok);
        bars.addSeries(failed);
        XYSeriesCollection marks = new XYSeriesCollection(events);

        SymbolAxis rowAxis = new SymbolAxis(null, column(rows));
        rowAxis.setTickLabelFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        rowAxis.setRange(-0.5, rows.size() - 0.5);
        rowAxis.setInverted(true);
        rowAxis.setGridBandsVisible(true);
        rowAxis.setGridBandPaint(Color.WHITE);
        rowAxis.setGridBandAlternatePaint(new Color(0xF3F5F8));
        rowAxis.setTickMarksVisible(false);
        rowAxis.setAxisLineVisible(false);

        NumberAxis timeAxis = new NumberAxis("ms since the trace's first start");
        // Room after the longest bar for its duration.
        timeAxis.setRange(0, totalMs * 1.12);
        timeAxis.setNumberFormatOverride(new DecimalFormat("#,##0.##"));

        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setUseYInterval(true);
        barRenderer.setBarPainter(new StandardXYBarPainter());
        barRenderer.setShadowVisible(false);
        barRenderer.setDrawBarOutline(false);
        barRenderer.setSeriesPaint(0, SPAN);
        barRenderer.setSeriesPaint(1, ERROR);
        barRenderer.setSeriesVisibleInLegend(1, failed.getItemCount() > 0);

        XYLineAndShapeRenderer eventRenderer = new XYLineAndShapeRenderer(false, true);
        eventRenderer.setSeriesPaint(0, EVENT);
        eventRenderer.setSeriesShape(0, diamond(5));
        eventRenderer.setUseOutlinePaint(true);
        eventRenderer.setSeriesOutlinePaint(0, Color.WHITE);
        eventRenderer.setSeriesOutlineStroke(0, new BasicStroke(1f));
        eventRenderer.setDrawOutlines(true);
        eventRenderer.setSeriesVisibleInLegend(0, events.getItemCount() > 0);

        XYPlot plot = new XYPlot(bars, rowAxis, timeAxis, barRenderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setDataset(1, marks);
        plot.setRenderer(1, eventRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setOutlineVisible(false);
        durations.forEach(plot::addAnnotation);

        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        SpanData first = rows.get(0).span();
        long errors = rows.stream().filter(r -> r.span().getStatus().getStatusCode() == StatusCode.ERROR).count();
        String subtitle = String.format(Locale.ROOT, "trace %s · %d spans · %s ms%s", first.getTraceId(),
                rows.size(), MS.format(totalMs), errors == 0 ? "" : " · " + errors + " with errors");
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * The name column: each row's label indented by depth, then all padded to one width so that, right-aligned
     * against the axis in a monospaced font as tick labels are, the column reads left-aligned and the indentation
     * shows.
     */
    private static String[] column(List<Row> rows) {
        String[] out = new String[rows.size()];
        int width = 0;
        for (int i = 0; i < out.length; i++) {
            String text = " ".repeat(INDENT * rows.get(i).depth()) + label(rows.get(i).span());
            out[i] = text.length() > MAX_LABEL ? text.substring(0, MAX_LABEL - 1) + "…" : text;
            width = Math.max(width, out[i].length());
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] + " ".repeat(width - out[i].length() + 1);
        }
        return out;
    }

    private static double ms(long nanos, long t0) {
        return (nanos - t0) / 1e6;
    }

    private static Path2D diamond(double r) {
        Path2D p = new Path2D.Double();
        p.moveTo(0, -r);
        p.lineTo(r, 0);
        p.lineTo(0, r);
        p.lineTo(-r, 0);
        p.closePath();
        return p;
    }
}
