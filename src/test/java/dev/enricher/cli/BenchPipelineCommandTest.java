package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.bench.BenchTexts;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code stream-enricher bench pipeline} through the real command line, small enough for the suite: the in-process
 * broker, the simulator and the pipeline really run. Only the output contract and the accounting are checked (every
 * input has exactly one output), never a speed: figures belong in docs/benchmarks.md.
 */
class BenchPipelineCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("bench pipeline: events=(\\d+) enriched=(\\d+) "
            + "dead_lettered=(\\d+) lost=(\\d+) duplicates=(\\d+) throughput_eps=(\\d+) efficiency=(\\d+\\.\\d{3}) "
            + "p50_added_ms=(-?\\d+\\.\\d) p99_added_ms=(-?\\d+\\.\\d) peak_heap_mb=(\\d+) rate_limit_rate=(\\S+) "
            + "server_error_rate=(\\S+) rps=(\\S+) storm_ms=(\\d+) answered_429=(\\d\\.\\d{4}) limit_min=(\\d+) "
            + "limit_mean=(\\d+) calls=(\\d+) calls_saved=(\\d+) cost_usd=(\\d+(?:\\.\\d+)?) "
            + "duplicate_texts=(\\S+) cache=(on|off)");
    private static final Pattern OPEN_LOOP_LINE = Pattern.compile("bench pipeline open-loop: load=(\\d+\\.\\d{3}) "
            + "offered_eps=(\\d+\\.\\d) throughput_eps=(\\d+\\.\\d) p50_added_ms=(\\d+\\.\\d) "
            + "p99_added_ms=(\\d+\\.\\d) p999_added_ms=(\\d+\\.\\d) max_added_ms=(\\d+\\.\\d) "
            + "commit_interval_ms=(\\d+) generator_late_max_ms=(\\d+\\.\\d) lost=(\\d+) duplicates=(\\d+) "
            + "calls_per_event=(\\d+\\.\\d{3}) calls_per_s=(\\d+) cpu_ms_per_event=(\\d+\\.\\d{3}) "
            + "guarantee=(\\S+)");
    private static final Pattern NAIVE_LINE = Pattern.compile(
            "bench pipeline naive: events=(\\d+) throughput_eps=(\\d+\\.\\d) efficiency=(\\d+\\.\\d{4})");

    @Test
    void everyEventEndsAsExactlyOneOutputAndTheLastLineHasTheFigures() {
        Console.Result result = Console.run("bench", "pipeline", "--latency-ms", "20", "--concurrency", "16",
                "--events", "200", "--warmup", "50", "--keys", "20", "--partitions", "2", "--guarantee",
                "exactly_once_v2", "--naive-seconds", "1", "--rate-limit-rate", "0.1", "--server-error-rate", "0.05");
        List<String> lines = result.outLines();
        String last = lines.get(lines.size() - 1);
        assertThat(result.exit()).as(result.out()).isZero();
        // The summary is the last thing on the console too: every resource was closed before it was printed.
        assertThat(result.lastCombinedLine()).as(result.combined()).isEqualTo(last);
        Matcher m = LAST_LINE.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        assertThat(m.group(1)).isEqualTo("200");
        assertThat(Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))).isEqualTo(200);
        assertThat(m.group(4)).as("lost").isEqualTo("0");
        assertThat(m.group(5)).as("duplicates").isEqualTo("0");
        assertThat(Long.parseLong(m.group(6))).isPositive();
        assertThat(Long.parseLong(m.group(10))).isPositive();
        // Under the faults asked for, retried: every event still enriched or dead-lettered once.
        assertThat(m.group(11)).isEqualTo("0.1");
        assertThat(m.group(12)).isEqualTo("0.05");
        assertThat(Double.parseDouble(m.group(15))).as("share of answers that were 429").isPositive();
        // The cache is on by default, with no repeats asked for.
        assertThat(m.group(21)).isEqualTo("0");
        assertThat(m.group(22)).isEqualTo("on");
        assertThat(Double.parseDouble(m.group(20))).as("cost").isPositive();
        // The naive run came first, capped at 1 s of work: 1000 ms / 20 ms = 50 events.
        assertThat(lines).anySatisfy(line -> {
            Matcher n = NAIVE_LINE.matcher(line);
            assertThat(n.matches()).isTrue();
            assertThat(n.group(1)).isEqualTo("50");
        });
    }

    /**
     * {@code --duplicates 0.3} with one call per event (pii: its model takes the benchmark's longest texts in one
     * piece, where iab's cuts some into two): with the cache, exactly the events whose text an earlier event of the run
     * had are answered without a call, as the generator says (the drawn repeats, 60 of 200, and any coincidence of its
     * own texts); without it, every event makes its call.
     */
    @Test
    void repeatedTextsAreAnsweredWithoutACallWhenTheCacheIsOn() {
        int events = 200;
        int warmup = 50;
        BenchTexts.Repeats expected = new BenchTexts(42, 0.3).repeats(warmup, events);
        // Blocks of ten events, three of each repeat: events 50..249 hold exactly 60 drawn repeats.
        assertThat(expected.drawn()).isEqualTo(60);
        assertThat(expected.repeatedTexts()).isBetween(60L, 62L);

        Matcher on = lastLine(runRepeated("--cache"));
        long calls = Long.parseLong(on.group(18));
        long saved = Long.parseLong(on.group(19));
        assertThat(calls + saved).as("one call per event, made or saved").isEqualTo(events);
        assertThat(saved).as("calls saved").isEqualTo(expected.repeatedTexts());
        assertThat(Double.parseDouble(on.group(20))).as("cost").isPositive();
        assertThat(on.group(21)).isEqualTo("0.3");
        assertThat(on.group(22)).isEqualTo("on");

        Matcher off = lastLine(runRepeated("--no-cache"));
        assertThat(off.group(18)).as("calls").isEqualTo(String.valueOf(events));
        assertThat(off.group(19)).as("calls_saved").isEqualTo("0");
        assertThat(off.group(22)).isEqualTo("off");
        // The cost of the calls made, and the repeats' calls cost as much as any other on the average.
        assertThat(Double.parseDouble(off.group(20))).isGreaterThan(Double.parseDouble(on.group(20)));
    }

    private static Console.Result runRepeated(String cache) {
        return Console.run("bench", "pipeline", "--latency-ms", "20", "--concurrency", "16", "--events", "200",
                "--warmup", "50", "--keys", "20", "--partitions", "2", "--tasks", "pii", "--no-naive", "--seed", "42",
                "--duplicates", "0.3", cache);
    }

    private static Matcher lastLine(Console.Result result) {
        List<String> lines = result.outLines();
        String last = lines.get(lines.size() - 1);
        assertThat(result.exit()).as(result.out()).isZero();
        Matcher m = LAST_LINE.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        assertThat(m.group(1)).isEqualTo("200");
        assertThat(m.group(2)).as("enriched").isEqualTo("200");
        assertThat(m.group(4)).as("lost").isEqualTo("0");
        assertThat(m.group(5)).as("duplicated outputs").isEqualTo("0");
        return m;
    }

    /**
     * {@code --open-loop} at a rate far under the ceiling (C / L = 800 calls/s, 50 events/s asked): the closed-loop
     * warm-up, 2 s of unmeasured arrivals, then the measured ones; the last line has the added latency's tail and the
     * commit interval asked for, and every event has exactly one output. No figure is judged, only that they are there
     * and in order.
     */
    @Test
    void openLoopReportsTheAddedLatencyTailAndLosesNothing() {
        Console.Result result = Console.run("bench", "pipeline", "--latency-ms", "20", "--concurrency", "16",
                "--events", "120", "--warmup", "50", "--keys", "20", "--partitions", "2", "--no-naive",
                "--open-loop", "--rate", "50", "--commit-interval-ms", "50");
        List<String> lines = result.outLines();
        String last = lines.get(lines.size() - 1);
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.lastCombinedLine()).as(result.combined()).isEqualTo(last);
        Matcher m = OPEN_LOOP_LINE.matcher(last);
        assertThat(m.matches()).as(last).isTrue();
        assertThat(m.group(2)).as("offered_eps").isEqualTo("50.0");
        assertThat(Double.parseDouble(m.group(3))).as("throughput_eps").isPositive();
        double p50 = Double.parseDouble(m.group(4));
        double p99 = Double.parseDouble(m.group(5));
        double p999 = Double.parseDouble(m.group(6));
        double max = Double.parseDouble(m.group(7));
        assertThat(p50).isLessThanOrEqualTo(p99);
        assertThat(p99).isLessThanOrEqualTo(p999);
        assertThat(p999).isLessThanOrEqualTo(max);
        assertThat(m.group(8)).as("commit_interval_ms").isEqualTo("50");
        assertThat(m.group(10)).as("lost").isEqualTo("0");
        assertThat(m.group(11)).as("duplicates").isEqualTo("0");
        assertThat(Double.parseDouble(m.group(12))).as("calls_per_event").isPositive();
        assertThat(m.group(15)).isEqualTo("exactly_once_v2");
        // The closed-loop line is still there, before it, with the same accounting.
        assertThat(lines).anySatisfy(line -> {
            Matcher closed = LAST_LINE.matcher(line);
            assertThat(closed.matches()).isTrue();
            assertThat(closed.group(1)).isEqualTo("120");
            assertThat(closed.group(4)).as("lost").isEqualTo("0");
        });
    }

    @Test
    void openLoopOptionsAreCheckedTogether() {
        for (String[] args : new String[][] {{"--load", "0.5"}, {"--rate", "100"},
                {"--open-loop", "--load", "0.5", "--rate", "100"}, {"--open-loop", "--load", "2"},
                {"--open-loop", "--load", "0"}, {"--open-loop", "--rate", "-3"}, {"--commit-interval-ms", "-5"}}) {
            Console.Result result = Console.run(List.of("bench", "pipeline"), args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).as(String.join(" ", args)).containsAnyOf("--load", "--rate", "--commit");
        }
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        for (String[] args : new String[][] {{"--concurrency", "0"}, {"--tasks", "horoscope"},
                {"--guarantee", "at_most_once"}, {"--window", "0"}, {"--rate-limit-rate", "2"},
                {"--duplicates", "1.5"}, {"--duplicates", "NaN"}}) {
            Console.Result result = Console.run(List.of("bench", "pipeline"), args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).contains(args[0]);
        }
    }

    @Test
    void hasHelpThatSaysHowThroughputIsMeasured() {
        Console.Result result = Console.run("bench", "pipeline", "--help");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("Usage:").contains("steady window").contains("--open-loop")
                .contains("--commit-interval-ms").contains("Poisson").contains("omission");
    }
}
