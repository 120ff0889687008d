package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Row;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep's CSV and plot, and the last lines of {@code bench peers}, from rows made up for the test. */
class PeersBenchmarkTest {

    @Test
    void theSweepCsvAndPlotHoldEveryRow(@TempDir Path dir) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int c : PeersBenchmark.SWEEP_CONCURRENCY) {
            rows.add(row(Contender.OURS_EOS, c, 200, Math.min(1100, c * 5 * 0.95)));
            rows.add(row(Contender.PC, c, 200, Math.min(900, c * 5 * 0.9)));
            rows.add(row(Contender.KS1, c, 200, 4.8));
        }
        for (long l : PeersBenchmark.SWEEP_LATENCY) {
            rows.add(row(Contender.OURS_EOS, 256, l, Math.min(1100, 256_000.0 / l * 0.95)));
        }
        Path png = dir.resolve("plot.png");
        PeersPlot.write(rows, 200, 256, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(620);
        long coloured = 0;
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                int r = rgb >> 16;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    coloured++; // a series line, not the white, grey or black of the frame and text
                }
            }
        }
        assertThat(coloured).as("pixels of coloured series lines").isGreaterThan(100);

        String csv = PeersReport.csv(rows);
        assertThat(csv.lines()).hasSize(rows.size() + 1);
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("contender,concurrency,latency_ms,events,"
                + "throughput_eps,ceiling_eps,efficiency");
        assertThat(csv).contains("ours-eos,64,200,").contains("pc,4096,200,").contains("ours-eos,256,1000,");
        assertThat(PeersReport.parseCsv(csv.lines().toList())).hasSize(rows.size()).first().satisfies(r -> {
            assertThat(r.contender()).isEqualTo(Contender.OURS_EOS);
            assertThat(r.concurrency()).isEqualTo(64);
            assertThat(r.eps()).isEqualTo(rows.get(0).eps(), org.assertj.core.data.Offset.offset(0.05));
        });

        // replot (--plot) draws the PNG again from CSV files (here the rows split over two), running nothing.
        List<String> lines = csv.lines().toList();
        Files.writeString(dir.resolve("a.csv"), String.join("\n", lines.subList(0, 5)) + "\n");
        Files.writeString(dir.resolve("b.csv"), lines.get(0) + "\n" + String.join("\n", lines.subList(5, lines.size())));
        Path out = dir.resolve("out");
        StringWriter printed = new StringWriter();
        int exit = new PeersBenchmark(new PrintWriter(printed, true))
                .replot(List.of(dir.resolve("a.csv"), dir.resolve("b.csv")), out);
        assertThat(exit).isZero();
        assertThat(printed.toString()).contains("bench peers plot: rows=" + rows.size());
        assertThat(ImageIO.read(out.resolve("peers-sweep.png").toFile()).getWidth()).isEqualTo(1400);
    }

    @Test
    void theCeilingLineGivesThroughputAndCpuPerEventForEveryContender() {
        List<Row> rows = List.of(row(Contender.OURS_EOS, 256, 0, 1500), row(Contender.PASS_EOS, 256, 0, 4000));
        assertThat(PeersReport.ceilingLine(rows)).isEqualTo(
                "ours_eos_eps=1500 ours_eos_cpu_us_per_event=500 pass_eos_eps=4000 pass_eos_cpu_us_per_event=500");
        assertThat(rows.get(0).efficiency()).isNaN();
    }

    private static Row row(Contender c, int concurrency, long latencyMs, double eps) {
        return new Row(c, concurrency, latencyMs, 1000, 1000, 0, 0, 0, eps, latencyMs + 10, latencyMs + 50, 0.5, 300);
    }
}
