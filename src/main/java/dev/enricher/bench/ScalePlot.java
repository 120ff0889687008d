package dev.enricher.bench;

import dev.enricher.bench.ScaleBenchmark.Options;
import dev.enricher.bench.ScaleBenchmark.Result;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The plot of {@code bench scale}, one PNG with two panels (JFreeChart, headless, as {@link PeersPlot}): throughput
 * against instances with the ideal line N x (one instance) and the API's limit N x C / L; and, for each point with a
 * join, the aggregate throughput (trailing 2 L) against the time since the joining instance was launched (at 0),
 * with markers at its first output and where the aggregate reached 0.9 of the steady rate (the dotted level). Linear axes: the instances differ by small factors.
 */
final class ScalePlot {
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 620;
    private static final Color[] PALETTE = {new Color(0xD62728), new Color(0x1F77B4), new Color(0x2CA02C),
        new Color(0xFF7F0E), new Color(0x9467BD), new Color(0x8C564B), new Color(0x17BECF)};

    private ScalePlot() {
    }

    static void write(List<Result> results, Options o, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        JFreeChart scaling = scaling(results, o);
        JFreeChart join = join(results, o);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            scaling.draw(g, new Rectangle2D.Double(0, 0, WIDTH / 2.0, HEIGHT));
            join.draw(g, new Rectangle2D.Double(WIDTH / 2.0, 0, WIDTH / 2.0, HEIGHT));
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static JFreeChart scaling(List<Result> results, Options o) {
        double perInstance = ScaleBenchmark.base(results);
        XYSeries limit = new XYSeries("N x C / L (the API's limit)");
        XYSeries ideal = new XYSeries("N x one instance (ideal)");
        XYSeries measured = new XYSeries("stream-enricher, " + o.guarantee().streamsValue());
        for (Result r : results) {
            limit.addOrUpdate(r.instances(), r.idealEps());
            ideal.addOrUpdate(r.instances(), perInstance * r.instances());
            measured.addOrUpdate(r.instances(), r.eps());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(limit);
        data.addSeries(ideal);
        data.addSeries(measured);
        JFreeChart chart = ChartFactory.createXYLineChart(String.format(java.util.Locale.ROOT,
                        "Throughput against instances (C = %d, L = %d ms)", o.concurrency(), o.latencyMs()),
                String.format(java.util.Locale.ROOT, "instances (one consumer group, %d partitions)", o.partitions()),
                "events per second", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setRange(0, results.stream().mapToInt(Result::instances).max().orElse(1) + 0.5);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        y.setLowerBound(0);
        style(plot);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, Color.GRAY);
        renderer.setSeriesStroke(0, dashed(1.5f, 2f, 3f));
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(1, Color.BLACK);
        renderer.setSeriesStroke(1, dashed(1.5f, 6f, 4f));
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesPaint(2, PALETTE[0]);
        renderer.setSeriesStroke(2, new BasicStroke(2.5f));
        plot.setRenderer(renderer);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static JFreeChart join(List<Result> results, Options o) {
        XYSeriesCollection data = new XYSeriesCollection();
        int colour = 0;
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (Result r : results) {
            if (!r.joined()) {
                continue;
            }
            XYSeries s = new XYSeries(String.format(java.util.Locale.ROOT, "%d -> %d instances", r.instances() - 1,
                    r.instances()));
            for (double[] p : r.trace()) {
                s.addOrUpdate(p[0], p[1]);
            }
            renderer.setSeriesPaint(data.getSeriesCount(), PALETTE[(colour++ + 1) % PALETTE.length]);
            renderer.setSeriesStroke(data.getSeriesCount(), new BasicStroke(2f));
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("One more instance joins under load",
                "seconds since the new instance's JVM was launched", String.format(java.util.Locale.ROOT,
                        "events per second (all instances, trailing %d ms)", o.shareWindow().toMillis()), data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(plot);
        ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(new DecimalFormat("#,##0"));
        ((NumberAxis) plot.getRangeAxis()).setLowerBound(0);
        plot.addDomainMarker(new ValueMarker(0, Color.DARK_GRAY, new BasicStroke(1f)));
        colour = 0;
        for (Result r : results) {
            if (!r.joined()) {
                continue;
            }
            Color c = PALETTE[(colour++ + 1) % PALETTE.length];
            if (r.joinFirstOutputMs() >= 0) {
                ValueMarker first = new ValueMarker(r.joinFirstOutputMs() / 1000.0, c, dashed(1f, 1f, 3f));
                first.setLabel(String.format(java.util.Locale.ROOT, "N=%d first output %.1f s", r.instances(),
                        r.joinFirstOutputMs() / 1000.0));
                first.setLabelPaint(c);
                first.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
                first.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
                first.setLabelOffset(new RectangleInsets(2, 2, 14 + 14 * colour, 2));
                plot.addDomainMarker(first);
            }
            if (r.joinShareMs() >= 0) {
                ValueMarker share = new ValueMarker(r.joinShareMs() / 1000.0, c, dashed(1f, 4f, 3f));
                share.setLabel(String.format(java.util.Locale.ROOT, "N=%d 0.9 share %.1f s", r.instances(),
                        r.joinShareMs() / 1000.0));
                share.setLabelPaint(c);
                share.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                share.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                share.setLabelOffset(new RectangleInsets(4 + 14 * colour, 2, 2, 2));
                plot.addDomainMarker(share);
            }
            ValueMarker steady = new ValueMarker(r.eps() * ScaleBenchmark.SHARE, c, dashed(0.8f, 2f, 4f));
            plot.addRangeMarker(steady);
        }
        plot.setRenderer(renderer);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    private static BasicStroke dashed(float width, float on, float off) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {on, off}, 0f);
    }
}
