package dev.enricher.bench;

import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Row;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sweep's plot, one PNG with two panels (JFreeChart, headless): throughput against C at the fixed L with the
 * C / L line, and throughput against L at the fixed C with the C / L curve; both axes logarithmic, since the
 * contenders differ by orders of magnitude.
 */
final class PeersPlot {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 620;
    /** Dark enough to read on white, apart enough to tell apart. */
    private static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
        new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

    private PeersPlot() {
    }

    static void write(List<Row> rows, long fixedLatency, int fixedConcurrency, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart byC = chart("Throughput against C (L = " + fixedLatency + " ms)", "C (calls in flight)",
                rows, r -> r.latencyMs() == fixedLatency, r -> r.concurrency());
        JFreeChart byL = chart("Throughput against L (C = " + fixedConcurrency + ")", "L (API latency, ms)",
                rows, r -> r.concurrency() == fixedConcurrency && r.latencyMs() > 0, r -> r.latencyMs());
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            byC.draw(g, new Rectangle2D.Double(0, 0, WIDTH / 2.0, HEIGHT));
            byL.draw(g, new Rectangle2D.Double(WIDTH / 2.0, 0, WIDTH / 2.0, HEIGHT));
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static JFreeChart chart(String title, String xLabel, List<Row> rows, Predicate<Row> in,
                                    ToDoubleFunction<Row> x) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries limit = new XYSeries("C / L (Little's law)");
        Map<Contender, XYSeries> series = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!in.test(r) || r.eps() <= 0) {
                continue;
            }
            series.computeIfAbsent(r.contender(), c -> new XYSeries(c.label)).addOrUpdate(x.applyAsDouble(r), r.eps());
            if (!Double.isInfinite(r.ceiling())) {
                limit.addOrUpdate(x.applyAsDouble(r), r.ceiling());
            }
        }
        data.addSeries(limit);
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "events per second", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis xAxis = new LogAxis(xLabel);
        xAxis.setBase(10);
        xAxis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        LogAxis yAxis = new LogAxis("events per second");
        yAxis.setBase(10);
        yAxis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        plot.setDomainAxis(xAxis);
        plot.setRangeAxis(yAxis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, Color.BLACK);
        renderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        renderer.setSeriesShapesVisible(0, false);
        for (int i = 1; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE[(i - 1) % PALETTE.length]);
        }
        plot.setRenderer(renderer);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
