package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.bench.ScaleBenchmark.Options;
import dev.enricher.bench.ScaleBenchmark.Result;
import dev.enricher.cli.Main;
import dev.enricher.config.EnricherConfig;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stream-enricher bench scale}: a real run small enough for the suite (the broker, the simulator, and each
 * instance the {@code run} command in a child JVM of its own, one joining under load), checked for its output contract
 * and its accounting, never for a speed (figures belong in docs/benchmarks.md); and, without running anything, the
 * validation of its options, the configuration each instance gets, the rates read off the output counts, the lines,
 * the CSV and the plot.
 */
class ScaleBenchmarkTest {
    private static final Pattern SUMMARY = Pattern.compile("bench scale: instances=1,2 "
            + "throughput_eps=(\\d+\\.\\d),(\\d+\\.\\d) scaling=1\\.00,(\\d+\\.\\d\\d) "
            + "scaling_per_instance=1\\.000,(\\d+\\.\\d{3}) efficiency=(\\d+\\.\\d{3}),(\\d+\\.\\d{3}) "
            + "cpu_ms_per_event=(\\S+) lost=(\\d+) duplicates=(\\d+) join_first_output_ms=-,(\\d+) "
            + "join_share_ms=-,(\\d+|none) target_met=(true|false)");
    private static final Pattern POINT = Pattern.compile("bench scale: \\[N=(\\d)] throughput_eps=(\\d+\\.\\d) .*"
            + " produced=(\\d+) lost=(\\d+) duplicates=(\\d+) join_started_ms=(\\S+) join_ready_ms=(\\S+) "
            + "join_first_output_ms=(\\S+) join_share_ms=(\\S+)");

    /** What a command printed and returned. */
    private record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("bench", "scale"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void oneThenTwoInstancesEnrichEveryEventOnceAndTheSecondJoinsUnderLoad(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("scale.csv");
        Path png = dir.resolve("scale.png");
        Run r = run("--instances", "1,2", "--latency-ms", "200", "--concurrency", "8", "--partitions", "4",
                "--duration", "2s", "--settle", "1s", "--max-settle", "5s", "--keys", "200", "--child-heap-mb", "256", "--csv",
                csv.toString(), "--plot", png.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        List<String> lines = r.lines();
        String last = lines.get(lines.size() - 1);
        Matcher m = SUMMARY.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive();
        assertThat(Double.parseDouble(m.group(2))).isPositive();
        assertThat(m.group(8)).as("lost").isEqualTo("0");
        assertThat(m.group(9)).as("duplicates").isEqualTo("0");
        assertThat(Long.parseLong(m.group(10))).as("first output of the joining instance").isPositive();
        List<String> points = new ArrayList<>();
        for (String line : lines) {
            Matcher p = POINT.matcher(line);
            if (p.matches()) {
                points.add(p.group(1));
                assertThat(Long.parseLong(p.group(3))).as(line + ": produced").isPositive();
                assertThat(p.group(4)).as(line + ": lost").isEqualTo("0");
                assertThat(p.group(5)).as(line + ": duplicates").isEqualTo("0");
                if (p.group(1).equals("2")) {
                    long started = Long.parseLong(p.group(6));
                    long first = Long.parseLong(p.group(8));
                    assertThat(started).as(line + ": started before its first output").isPositive()
                            .isLessThanOrEqualTo(first);
                } else {
                    assertThat(p.group(6)).as(line + ": no join with one instance").isEqualTo("-");
                }
            }
        }
        assertThat(points).containsExactly("1", "2");
        assertThat(Files.readAllLines(csv)).hasSize(3).first().asString().startsWith("instances,partitions,");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1400);
        assertThat(r.out()).doesNotContain(SimulatedApi.API_KEY);
    }

    @Test
    void refusesOptionsThatCannotWorkNamingTheOption() {
        String[][] cases = {
            {"--partitions", "--instances", "1,2,4", "--partitions", "2"},
            {"--instances", "--instances", "1,0"},
            {"--instances", "--instances", "2,2"},
            {"--latency-ms", "--latency-ms", "0"},
            {"--concurrency", "--concurrency", "0"},
            {"--duration", "--duration", "0s"},
            {"--guarantee", "--guarantee", "twice"},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains(c[0]);
            assertThat(r.out()).as("nothing ran").isEmpty();
        }
    }

    @Test
    void fewerPartitionsThanInstancesIsRefusedWithTheFix() {
        assertThatThrownBy(() -> options(List.of(1, 2, 4), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--partitions 3 is fewer than the largest --instances 4")
                .hasMessageContaining("give --partitions 4 or more");
        assertThat(options(List.of(1, 2, 4), 4).partitions()).isEqualTo(4);
    }

    @Test
    void theClosedLoopKeepsEveryCallSlotBusyAndTheWindowIsWholeLatencies() {
        Options o = options(List.of(1, 2, 4), 12);
        assertThat(o.window(1)).isEqualTo(128);
        assertThat(o.window(4)).as("2 x N x C at L = 1 s").isEqualTo(512);
        Options fast = new Options(List.of(1), 100, 8, 4, Duration.ofMillis(2500), Duration.ZERO, Duration.ZERO,
                ProcessingGuarantee.EXACTLY_ONCE_V2, 10, 1, 2, 1, 256, null, null);
        assertThat(fast.window(1)).as("at L = 100 ms the way through Kafka counts too").isEqualTo(48);
        assertThat(fast.steadyWindow()).isEqualTo(Duration.ofMillis(2500));
        assertThat(o.steadyWindow()).isEqualTo(Duration.ofSeconds(20));
        assertThat(new Options(List.of(1), 1000, 64, 1, Duration.ofMillis(2500), Duration.ZERO, Duration.ZERO,
                ProcessingGuarantee.EXACTLY_ONCE_V2, 10, 1, 2, 1, 256, null, null).steadyWindow())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(o.shareWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.ideal(4)).isEqualTo(256.0);
    }

    @Test
    void eachInstanceRunsTheServiceAsConfiguredWithTheKeyFromTheEnvironment(@TempDir Path dir) {
        Options o = options(List.of(1, 2), 4);
        String yaml = ScaleRun.instanceYaml(o, "127.0.0.1:9092", "http://127.0.0.1:8080/v1", "http://127.0.0.1:8085",
                "scale-2-app", "in", "out", "dlq", dir.resolve("state"));
        assertThat(yaml).doesNotContain(SimulatedApi.API_KEY).contains("${ZEROGPU_API_KEY}");
        EnricherConfig config = EnricherConfig.parse(yaml, Map.of("ZEROGPU_API_KEY", SimulatedApi.API_KEY), "test");
        PipelineSettings p = config.pipeline();
        assertThat(p.applicationId()).isEqualTo("scale-2-app");
        assertThat(p.inputTopic()).isEqualTo("in");
        assertThat(p.enrichedTopic()).isEqualTo("out");
        assertThat(p.deadLetterTopic()).isEqualTo("dlq");
        assertThat(p.guarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(p.engine().maxInFlight()).isEqualTo(64);
        assertThat(p.tasks()).hasSize(1);
        assertThat(p.callResults().enabled()).as("every event costs its call").isFalse();
        assertThat(config.opsHost()).isEqualTo("127.0.0.1");
        assertThat(config.opsPort()).isZero();
    }

    @Test
    void theRatesAndTheMomentTheShareIsReachedAreReadOffTheCounts() {
        ThroughputTrace t = new ThroughputTrace();
        long s = 1_000_000_000L;
        // 10 events/s for 5 s, then 20 events/s.
        for (int i = 0; i <= 10; i++) {
            long at = i * s;
            t.add(at, i <= 5 ? 10L * i : 50 + 20L * (i - 5));
        }
        assertThat(t.rate(0, 5 * s)).isEqualTo(10.0);
        assertThat(t.rate(5 * s, 10 * s)).isEqualTo(20.0);
        assertThat(t.countAt(s / 2)).isEqualTo(5.0);
        assertThat(t.countAt(20 * s)).isEqualTo(150.0);
        // Trailing 2 s at 18/s: the window from 4 s to 6 s holds 30 events (15/s); from 5 s to 7 s, 40 (20/s).
        assertThat(t.firstReaching(18, 5 * s, 2 * s)).isEqualTo(7 * s);
        assertThat(t.firstReaching(25, 0, 2 * s)).isEqualTo(-1);
        assertThat(t.trailingRates(5 * s, 6 * s, 8 * s, 2 * s)).extracting(p -> p[0])
                .containsExactly(1.0, 2.0, 3.0);
        assertThatThrownBy(() -> t.add(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEnrichedCounterIsSummedOverItsSeries() {
        String text = "# HELP enricher_enriched_total Events enriched\n"
                + "# TYPE enricher_enriched_total counter\n"
                + "enricher_enriched_total 12.0\n"
                + "enricher_enriched_totals_other 99.0\n"
                + "enricher_dead_letters_total{category=\"RECORD\"} 3.0\n";
        assertThat(ServiceInstance.counter(text, "enricher_enriched_total")).isEqualTo(12);
        assertThat(ServiceInstance.counter(text, "enricher_dead_letters_total")).isEqualTo(3);
        assertThat(ServiceInstance.counter("", "enricher_enriched_total")).isZero();
    }

    @Test
    void theLinesTheCsvAndThePlotHoldEveryPoint(@TempDir Path dir) throws Exception {
        Options o = options(List.of(1, 2, 4), 12);
        List<Result> results = List.of(
                new Result(1, 63.5, 64, 0.8, 2000, 0, 0, -1, -1, -1, -1, List.of()),
                new Result(2, 126.0, 128, 0.7, 4000, 0, 0, 3100, 5200, 6900, 8400, trace(8.4, 126)),
                new Result(4, 250.2, 256, 0.7, 8000, 0, 0, 3500, 5600, 7300, -1, trace(9.0, 250)));
        String summary = ScaleBenchmark.summary(o, results);
        assertThat(summary).isEqualTo("instances=1,2,4 throughput_eps=63.5,126.0,250.2 scaling=1.00,1.98,3.94 "
                + "scaling_per_instance=1.000,0.992,0.985 efficiency=0.992,0.984,0.977 cpu_ms_per_event=0.80,0.70,0.70 "
                + "lost=0 duplicates=0 join_first_output_ms=-,6900,7300 join_share_ms=-,8400,none target_met=true");
        assertThat(ScaleBenchmark.verdict(o, results)).isZero();
        List<Result> duplicated = List.of(new Result(1, 63.5, 64, 0.8, 2000, 0, 1, -1, -1, -1, -1, List.of()));
        assertThat(ScaleBenchmark.verdict(o, duplicated)).as("a duplicate under exactly_once_v2").isEqualTo(1);
        Options alos = new Options(List.of(1), 1000, 64, 12, Duration.ofSeconds(20), Duration.ofSeconds(5),
                Duration.ofSeconds(60), ProcessingGuarantee.AT_LEAST_ONCE, 100, 42, 2, 2, 512, null, null);
        assertThat(ScaleBenchmark.verdict(alos, duplicated)).as("a duplicate under at_least_once").isZero();
        List<String> csv = ScaleBenchmark.csv(o, results).lines().toList();
        assertThat(csv).hasSize(4);
        assertThat(csv.get(2)).isEqualTo("2,12,64,1000,exactly_once_v2,126.0,128.0,0.9844,1.984,0.9921,0.700,4000,0,"
                + "0,3100,5200,6900,8400");
        assertThat(csv.get(3)).endsWith(",3500,5600,7300,");
        assertThat(ScaleBenchmark.table(o, results)).hasSize(5);
        Path png = dir.resolve("docs").resolve("scale.png");
        ScalePlot.write(results, o, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(image.getHeight()).isEqualTo(620);
    }

    private static List<double[]> trace(double shareSeconds, double eps) {
        List<double[]> points = new ArrayList<>();
        for (double x = -7; x <= 40; x += 0.1) {
            points.add(new double[] {x, x < shareSeconds ? eps / 2 : eps});
        }
        return points;
    }

    private static Options options(List<Integer> instances, int partitions) {
        return new Options(instances, 1000, 64, partitions, Duration.ofSeconds(20), Duration.ofSeconds(5),
                Duration.ofSeconds(60), ProcessingGuarantee.EXACTLY_ONCE_V2, 100_000, 42, 2, 2, 512, null, null);
    }
}
