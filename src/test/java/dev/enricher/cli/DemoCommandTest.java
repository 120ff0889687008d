package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stream-enricher demo} end to end, with a small event count, as a new user would run it. */
class DemoCommandTest {
    @Test
    void theDemoEnrichesEverythingAndLosesNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute("demo", "--events", "300", "--latency-ms", "10", "--bad-every", "100", "--show", "1");
        List<String> lines = out.toString().lines().toList();
        assertThat(code).as(err.toString()).isZero();
        assertThat(lines.get(lines.size() - 1))
                .matches("demo: events=300 enriched=297 dead_lettered=3 lost=0 throughput_eps=\\d+");
        assertThat(out.toString()).contains("\"followup_questions\"", "\"redacted_text\"", "\"model_calls\"",
                "dead letters by category {DESERIALIZATION=3}");
        assertThat(err.toString()).contains("produced", "enriched", "dead-lettered", "in flight", "events/s");
    }
}
