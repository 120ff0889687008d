package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.bench.PeersBenchmark.Contender;
import dev.enricher.bench.PeersBenchmark.Row;
import dev.enricher.bench.PeersBenchmark.TracingLevel;
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

    @Test
    void tracingValuesAreOffOrARatioInZeroToOneWrittenPlainly() {
        assertThat(TracingLevel.parseAll(List.of("off", " 0.010", "1.0", "0.5")))
                .extracting(TracingLevel::text).containsExactly("off", "0.01", "1", "0.5");
        assertThat(TracingLevel.parse("0.01").ratio()).isEqualTo(0.01);
        assertThat(TracingLevel.parse("1").key()).isEqualTo("r1");
        assertThat(TracingLevel.parse("Off")).isEqualTo(TracingLevel.OFF);
        assertThat(TracingLevel.OFF.on()).isFalse();
        assertThat(TracingLevel.OFF.key()).isEqualTo("off");
        assertThatThrownBy(() -> TracingLevel.parse("0")).hasMessageContaining("'0' is not a sampling ratio");
        assertThatThrownBy(() -> TracingLevel.parse("1.5")).hasMessageContaining("'1.5' is not a sampling ratio");
        assertThatThrownBy(() -> TracingLevel.parse("1%")).hasMessageContaining("'1%' is neither off nor");
        assertThatThrownBy(() -> TracingLevel.parseAll(List.of("off", "0.01", "0.010")))
                .hasMessageContaining("'0.010' is given twice");
    }

    @Test
    void optionsWithoutTracingHaveNoTracingRowsAndAnOffOnlyRunStaysAsBefore() {
        PeersBenchmark.Options plain = new PeersBenchmark.Options(0, 1024, 10, 10, 1, List.of(Contender.OURS_EOS), 0,
                0, 1, 42, Path.of("pc.jar"), 1, null);
        assertThat(plain.tracing()).containsExactly(TracingLevel.OFF);
        assertThat(plain.tracingRows()).isFalse();
        assertThat(plain.anyTracingOn()).isFalse();
        assertThat(PeersRun.levels(plain, Contender.OURS_EOS)).containsExactly((TracingLevel) null);
        PeersBenchmark.Options traced = new PeersBenchmark.Options(0, 1024, 10, 10, 1,
                List.of(Contender.OURS_EOS, Contender.PASS_EOS), 0, 0, 1, 42, Path.of("pc.jar"), 1, null,
                TracingLevel.parseAll(List.of("off", "0.01", "1")));
        assertThat(traced.tracingRows()).isTrue();
        assertThat(traced.anyTracingOn()).isTrue();
        assertThat(traced.at(256, 0).tracing()).isEqualTo(traced.tracing());
        assertThat(PeersRun.levels(traced, Contender.OURS_EOS)).extracting(TracingLevel::text)
                .containsExactly("off", "0.01", "1");
        assertThat(PeersRun.levels(traced, Contender.OURS_ALOS)).hasSize(3);
        assertThat(PeersRun.levels(traced, Contender.PASS_EOS)).containsExactly((TracingLevel) null);
        PeersBenchmark.Options onlyOn = new PeersBenchmark.Options(0, 1024, 10, 10, 1, List.of(Contender.OURS_EOS),
                0, 0, 1, 42, Path.of("pc.jar"), 1, null, List.of(TracingLevel.parse("1")));
        assertThat(onlyOn.tracingRows()).isTrue();
        assertThat(PeersRun.levels(onlyOn, Contender.OURS_EOS)).extracting(TracingLevel::text).containsExactly("1");
    }

    @Test
    void tracingRowsSayTheirLevelAndWhatTheReceiverGotAndTheTracingLineComparesTheLevels() {
        List<TracingLevel> levels = TracingLevel.parseAll(List.of("off", "0.01", "1"));
        Row off = traced(Contender.OURS_EOS, levels.get(0), 3000, 0.300, -1, -1);
        Row some = traced(Contender.OURS_EOS, levels.get(1), 2900, 0.310, 4, 10240);
        Row all = traced(Contender.OURS_EOS, levels.get(2), 2000, 0.450, 60, 2048 * 1024);
        Row alos = traced(Contender.OURS_ALOS, levels.get(2), 2500, 0.400, 50, 1024);
        Row pass = row(Contender.PASS_EOS, 1024, 0, 5000);
        List<Row> rows = List.of(off, some, all, alos, pass);

        assertThat(PeersReport.describe(off)).endsWith("dead_lettered=0 tracing=off");
        assertThat(PeersReport.describe(some)).endsWith("dead_lettered=0 tracing=0.01 otlp_requests=4 otlp_kb=10.0");
        assertThat(PeersReport.describe(pass)).endsWith("dead_lettered=0");
        assertThat(PeersReport.tracingLine(rows, levels)).isEqualTo("off_cpu_us_per_event=300 off_eps=3000 "
                + "r0.01_cpu_us_per_event=310 r0.01_eps=2900 r1_cpu_us_per_event=450 r1_eps=2000");
        // ours-alos's rows when ours-eos did not run; a level without a row is "-"
        assertThat(PeersReport.tracingLine(List.of(alos, pass), levels)).isEqualTo("off_cpu_us_per_event=- off_eps=- "
                + "r0.01_cpu_us_per_event=- r0.01_eps=- r1_cpu_us_per_event=400 r1_eps=2500");
        assertThat(PeersReport.ceilingLine(List.of(off, all, pass))).isEqualTo("ours_eos_off_eps=3000 "
                + "ours_eos_off_cpu_us_per_event=300 ours_eos_r1_eps=2000 ours_eos_r1_cpu_us_per_event=450 "
                + "pass_eos_eps=5000 pass_eos_cpu_us_per_event=500");
        assertThat(PeersReport.pointLine(rows, Double.POSITIVE_INFINITY)).startsWith("ours_eps=3000 pc_eps=- ratio=- "
                + "ours_eos_r0.01_eps=2900 ours_eos_r1_eps=2000 ours_alos_r1_eps=2500 pass_eos_eps=5000 ");
        assertThat(PeersReport.table(rows).get(2)).startsWith("| stream-enricher, exactly_once_v2 tracing=off |");
        assertThat(PeersReport.table(rows).get(6)).startsWith("| Kafka Streams passthrough (no call), exactly_once_v2 |");
    }

    private static Row traced(Contender c, TracingLevel level, double eps, double cpuSecondsPer1000, long requests,
                              long bytes) {
        return new Row(c, 1024, 0, 1000, 1000, 0, 0, 0, eps, 10, 50, cpuSecondsPer1000, 300, level, requests, bytes);
    }

    private static Row row(Contender c, int concurrency, long latencyMs, double eps) {
        return new Row(c, concurrency, latencyMs, 1000, 1000, 0, 0, 0, eps, latencyMs + 10, latencyMs + 50, 0.5, 300);
    }
}
