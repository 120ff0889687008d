package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code stream-enricher bench serde} through the real command line; only the output contract, never a speed. */
class BenchSerdeCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile(
            "bench serde: records=(\\d+) serialize_rps=(\\d+) deserialize_rps=(\\d+) bytes_per_record=(\\d+)");

    @Test
    void endsWithTheFiguresLine() {
        Console.Result result = Console.run("bench", "serde", "--records", "2000", "--warmup", "500");
        assertThat(result.exit()).isZero();
        List<String> lines = result.outLines();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as(lines.get(lines.size() - 1)).isTrue();
        assertThat(result.lastCombinedLine()).as(result.combined()).isEqualTo(lines.get(lines.size() - 1));
        assertThat(m.group(1)).isEqualTo("2000");
        assertThat(Long.parseLong(m.group(2))).isPositive();
        assertThat(Long.parseLong(m.group(3))).isPositive();
        // ~600 chars of text twice (text and redacted text) plus results: well over 1 KB, well under 4 KB.
        assertThat(Long.parseLong(m.group(4))).isBetween(1_000L, 4_000L);
        assertThat(result.out()).contains("registry calls during the measurement: 0");
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        Console.Result result = Console.run("bench", "serde", "--records", "0");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--records");
    }
}
