package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
            + "limit_mean=(\\d+)");
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
        // The naive run came first, capped at 1 s of work: 1000 ms / 20 ms = 50 events.
        assertThat(lines).anySatisfy(line -> {
            Matcher n = NAIVE_LINE.matcher(line);
            assertThat(n.matches()).isTrue();
            assertThat(n.group(1)).isEqualTo("50");
        });
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        for (String[] args : new String[][] {{"--concurrency", "0"}, {"--tasks", "horoscope"},
                {"--guarantee", "at_most_once"}, {"--window", "0"}, {"--rate-limit-rate", "2"}}) {
            Console.Result result = Console.run(List.of("bench", "pipeline"), args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(result.err()).contains(args[0]);
        }
    }

    @Test
    void hasHelpThatSaysHowThroughputIsMeasured() {
        Console.Result result = Console.run("bench", "pipeline", "--help");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("Usage:").contains("steady window");
    }
}
