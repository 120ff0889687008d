package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stream-enricher bench serde} through the real command line; only the output contract, never a speed. */
class BenchSerdeCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile(
            "bench serde: records=(\\d+) serialize_rps=(\\d+) deserialize_rps=(\\d+) bytes_per_record=(\\d+)");

    @Test
    void endsWithTheFiguresLine() {
        StringWriter out = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(new StringWriter(), true));
        int code = cmd.execute("bench", "serde", "--records", "2000", "--warmup", "500");
        assertThat(code).isZero();
        List<String> lines = out.toString().lines().toList();
        Matcher m = LAST_LINE.matcher(lines.get(lines.size() - 1));
        assertThat(m.matches()).as(lines.get(lines.size() - 1)).isTrue();
        assertThat(m.group(1)).isEqualTo("2000");
        assertThat(Long.parseLong(m.group(2))).isPositive();
        assertThat(Long.parseLong(m.group(3))).isPositive();
        // ~600 chars of text twice (text and redacted text) plus results: well over 1 KB, well under 4 KB.
        assertThat(Long.parseLong(m.group(4))).isBetween(1_000L, 4_000L);
        assertThat(out.toString()).contains("registry calls during the measurement: 0");
    }

    @Test
    void refusesNonsenseWithAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("bench", "serde", "--records", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--records");
    }
}
