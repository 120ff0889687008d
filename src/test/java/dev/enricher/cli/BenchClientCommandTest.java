package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code stream-enricher bench client} through the real command line, small enough for the suite.
 * Only the output contract is checked, never a speed: figures belong in docs/benchmarks.md.
 */
class BenchClientCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("bench client: requests=(\\d+) concurrency=(\\d+) "
            + "latency_ms=(\\d+) throughput_rps=(\\d+) efficiency=(\\d+\\.\\d{3}) p50_ms=(\\d+\\.\\d) p99_ms=(\\d+\\.\\d) "
            + "rate_limit_rate=(\\S+) server_error_rate=(\\S+) rps=(\\S+) storm_ms=(\\d+) answered_429=(\\d\\.\\d{4}) "
            + "limit_min=(\\d+) limit_mean=(\\d+) http_version=(1\\.1|2) connections=(\\d+) "
            + "cpu_us_per_request=(\\d+\\.\\d) peak_heap_mb=(\\d+)");

    @Test
    void endsWithTheFiguresLine() {
        Console.Result result = Console.run("bench", "client", "--latency-ms", "5", "--concurrency", "16",
                "--requests", "400", "--warmup", "100");
        assertThat(result.exit()).isZero();
        List<String> lines = result.outLines();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as(lines.get(lines.size() - 1)).isTrue();
        // The summary is the last thing on the console too: the client and the simulator were closed before it.
        assertThat(result.lastCombinedLine()).as(result.combined()).isEqualTo(lines.get(lines.size() - 1));
        assertThat(m.group(1)).isEqualTo("400");
        assertThat(m.group(2)).isEqualTo("16");
        assertThat(m.group(3)).isEqualTo("5");
        assertThat(Long.parseLong(m.group(4))).isPositive();
        // Nobody beats Little's law: throughput <= C / L (plus rounding).
        assertThat(Double.parseDouble(m.group(5))).isPositive().isLessThanOrEqualTo(1.05);
        assertThat(Double.parseDouble(m.group(6))).isGreaterThanOrEqualTo(5.0);
        assertThat(List.of(m.group(8), m.group(9), m.group(10), m.group(11), m.group(12))).as("no faults")
                .containsExactly("0", "0", "0", "0", "0.0000");
        assertThat(m.group(13)).as("the limit is fixed without faults").isEqualTo("16");
    }

    @Test
    void runsUnderTheSimulatorsFaultsAndSaysWhichAndWhatTheyDid() {
        Console.Result result = Console.run("bench", "client", "--latency-ms", "5", "--concurrency", "16",
                "--requests", "400", "--warmup", "100", "--rate-limit-rate", "0.1", "--server-error-rate", "0.05");
        assertThat(result.exit()).as(result.combined()).isZero();
        List<String> lines = result.outLines();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as(lines.get(lines.size() - 1)).isTrue();
        assertThat(m.group(1)).as("every request ended well: retried").isEqualTo("400");
        assertThat(m.group(8)).isEqualTo("0.1");
        assertThat(m.group(9)).isEqualTo("0.05");
        assertThat(Double.parseDouble(m.group(12))).as("share of answers that were 429").isPositive();
        assertThat(result.out()).contains("retries as the service's defaults").contains("32 chains");
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        Console.Result result = Console.run("bench", "client", "--concurrency", "0");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--concurrency");
        for (String[] args : new String[][] {{"--rate-limit-rate", "1.5"}, {"--server-error-rate", "-0.1"},
                {"--rps", "-1"}, {"--storm", "soon"}}) {
            Console.Result bad = Console.run(List.of("bench", "client"), args);
            assertThat(bad.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(bad.err()).contains(args[0]);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"simulator", "--help"}, {"bench", "client", "--help"}, {"bench", "--help"}}) {
            Console.Result result = Console.run(args);
            assertThat(result.exit()).isZero();
            assertThat(result.out()).contains("Usage:");
        }
    }

    @Test
    void overHttp2TheCallsShareOneConnectionAndTheSummarySaysSo() {
        Console.Result result = Console.run("bench", "client", "--latency-ms", "5", "--concurrency", "16",
                "--requests", "400", "--warmup", "100", "--http-version", "2");
        assertThat(result.exit()).as(result.combined()).isZero();
        List<String> lines = result.outLines();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as(lines.get(lines.size() - 1)).isTrue();
        assertThat(m.group(1)).isEqualTo("400");
        assertThat(m.group(15)).isEqualTo("2");
        assertThat(m.group(16)).as("16 calls in flight fit in one connection's 100 streams").isEqualTo("1");
        assertThat(Console.run("bench", "client", "--http-version", "3").exit()).isEqualTo(2);
    }
}
