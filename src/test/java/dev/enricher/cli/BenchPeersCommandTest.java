package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream-enricher bench peers} through the real command line, small enough for the suite: the broker, the
 * simulator and every contender's child JVM (this pipeline, the Parallel Consumer peer from its own jar, blocking and
 * passthrough Kafka Streams) really run. Only the output contract and the accounting are checked, never a speed:
 * figures belong in docs/benchmarks.md.
 */
class BenchPeersCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("bench peers: ours_eps=(\\d+(\\.\\d+)?) "
            + "pc_eps=(\\d+(\\.\\d+)?) ratio=(\\d+\\.\\d\\d) ks1_eps=(\\d+(\\.\\d+)?) pass_alos_eps=(\\d+(\\.\\d+)?) "
            + "ceiling_eps=320 ours_efficiency=\\d\\.\\d{3} ours_p99_ms=\\d+ ours_lost=0 ours_duplicated=0 "
            + "pc_p99_ms=\\d+ pc_lost=0 pc_duplicated=(\\d+)");
    private static final Pattern ROW = Pattern.compile("bench peers: \\[([a-z0-9-]+)] throughput_eps=(\\d+\\.\\d) "
            + "efficiency=(\\S+) p50_ms=(\\d+) p99_ms=(\\d+) cpu_s_per_1000=(\\d+\\.\\d{3}) peak_rss_mb=(\\d+) "
            + "lost=(\\d+) duplicated=(\\d+) enriched=(\\d+) dead_lettered=(\\d+)");

    @Test
    void everyContenderEnrichesEveryEventOnceAndTheLastLineComparesUsWithTheParallelConsumer() {
        Console.Result result = Console.run("bench", "peers", "--latency-ms", "50", "--concurrency", "16", "--events",
                "150", "--warmup-seconds", "0", "--warmup-max-seconds", "0", "--row-seconds", "5", "--keys", "50",
                "--partitions", "2", "--contenders", "ours-eos,pc,ks1,pass-alos");
        List<String> lines = result.outLines();
        assertThat(result.exit()).as(result.out()).isZero();
        String last = lines.get(lines.size() - 1);
        Matcher m = LAST_LINE.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        // The summary is the last thing on the console too: the broker, the simulator and every contender were
        // closed before it.
        assertThat(result.lastCombinedLine()).as(result.combined()).isEqualTo(last);
        assertThat(Double.parseDouble(m.group(1))).isPositive();
        assertThat(Double.parseDouble(m.group(3))).isPositive();
        List<String> seen = new ArrayList<>();
        for (String line : lines) {
            Matcher r = ROW.matcher(line);
            if (r.matches()) {
                seen.add(r.group(1));
                // ks1 serves one event per L: its cap is 5 s x 20 events/s = 100 events; the others do all 150.
                int events = r.group(1).equals("ks1") ? 100 : 150;
                assertThat(r.group(8)).as(line + ": lost").isEqualTo("0");
                assertThat(Long.parseLong(r.group(10))).as(line + ": enriched").isEqualTo(events);
                assertThat(Long.parseLong(r.group(7))).as(line + ": peak RSS").isPositive();
                assertThat(Double.parseDouble(r.group(6))).as(line + ": CPU").isPositive();
            }
        }
        assertThat(seen).containsExactly("ours-eos", "pc", "ks1", "pass-alos");
        assertThat(result.out()).contains("| contender | C | L ms |");
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        for (String[] args : new String[][] {{"--contenders", "ours-eos,flink"}, {"--concurrency", "0"},
                {"--sweep", "--ceiling"}, {"--sweep", "--points", "256-200"}}) {
            Console.Result result = Console.run(List.of("bench", "peers"), args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).contains(args[0]);
        }
    }

    @Test
    void refusesATracingValueThatIsNeitherOffNorARatioNamingTheOptionAndTheValue() {
        for (String[] bad : new String[][] {{"off,2", "'2'"}, {"0", "'0'"}, {"-0.5", "'-0.5'"}, {"lots", "'lots'"},
                {"off,1,1.0", "'1.0' is given twice"}}) {
            Console.Result result = Console.run("bench", "peers", "--ceiling", "--contenders", "ours-eos", "--tracing",
                    bad[0]);
            assertThat(result.exit()).as(bad[0]).isEqualTo(2);
            assertThat(result.out()).as("nothing started").isEmpty();
            assertThat(result.err()).as(bad[0]).contains("--tracing: ").contains(bad[1]);
        }
        Console.Result sweep = Console.run("bench", "peers", "--sweep", "--tracing", "off,1");
        assertThat(sweep.exit()).isEqualTo(2);
        assertThat(sweep.err()).contains("--tracing off,1").contains("not --sweep");
        Console.Result noOurs = Console.run("bench", "peers", "--ceiling", "--contenders", "pass-eos", "--tracing",
                "0.01");
        assertThat(noOurs.exit()).isEqualTo(2);
        assertThat(noOurs.err()).contains("--tracing 0.01").contains("only the ours-* contenders are traced");
    }

    @Test
    void theHelpTellsOfTracingAndItsLastLine() {
        Console.Result help = Console.run("bench", "peers", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--tracing=LIST")
                .contains("with more than one --tracing value, 'bench peers tracing: off_cpu_us_per_event=X");
    }

    @Test
    void aMissingParallelConsumerJarSaysHowToBuildIt(@TempDir Path dir) {
        Console.Result result = Console.run("bench", "peers", "--contenders", "pc", "--pc-jar",
                dir.resolve("nope.jar").toString(), "--events", "1", "--warmup-seconds", "0");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).as("nothing started").isEmpty();
        assertThat(result.err()).contains("nope.jar is missing").contains("mvn -B -f bench/peers/pom.xml package");
    }

    @Test
    void thePlotOptionDrawsThePngAgainFromCsvFilesRunningNothing(@TempDir Path dir) throws Exception {
        String header = "contender,concurrency,latency_ms,events,throughput_eps,ceiling_eps,efficiency,p50_ms,p99_ms,"
                + "cpu_s_per_1000,peak_rss_mb,lost,duplicated\n";
        Files.writeString(dir.resolve("a.csv"), header + "ours-eos,64,200,1000,304.0,320.0,0.9500,210,250,0.5000,300,0,0\n"
                + "pc,64,200,1000,288.0,320.0,0.9000,210,250,0.5000,300,0,0\n");
        Files.writeString(dir.resolve("b.csv"), header + "ours-eos,256,200,1000,1100.0,1280.0,0.8594,210,250,0.5000,300,0,0\n");
        Path out = dir.resolve("out");
        Console.Result plotted = Console.run("bench", "peers", "--plot", dir.resolve("a.csv") + "," + dir.resolve("b.csv"),
                "--out-dir", out.toString());
        assertThat(plotted.exit()).isZero();
        assertThat(plotted.out()).contains("bench peers plot: rows=3");
        assertThat(ImageIO.read(out.resolve("peers-sweep.png").toFile()).getWidth()).isEqualTo(1400);
    }

    @Test
    void aCsvThatIsNotOneOfOursIsRefusedNamingTheLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "contender,concurrency\nours-eos,64\n");
        Console.Result result = Console.run("bench", "peers", "--plot", bad.toString(), "--out-dir", dir.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("line 2 is not a bench peers row");
    }
}
