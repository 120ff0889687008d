package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stream-enricher demo} end to end, with a small event count, as a new user would run it. */
class DemoCommandTest {
    @Test
    void theDemoEnrichesEverythingAndLosesNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        int code;
        Console console;
        List<String> warnings;
        try (Console capture = Console.capture(); WarningLog log = WarningLog.capture()) {
            console = capture;
            CommandLine cmd = Main.commandLine();
            cmd.setOut(capture.writer(out));
            cmd.setErr(capture.writer(err));
            code = cmd.execute("demo", "--events", "300", "--latency-ms", "10", "--bad-every", "100", "--show", "1");
            // Whatever the demo started has stopped, so nothing of it is left to write after the summary.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(threadsStartedSince(before)).isEmpty());
            warnings = log.unexpected();
        }
        List<String> lines = out.toString().lines().toList();
        assertThat(code).as(err.toString()).isZero();
        assertThat(lines.get(lines.size() - 1))
                .matches("demo: events=300 enriched=297 dead_lettered=3 lost=0 throughput_eps=\\d+");
        assertThat(out.toString()).contains("dead letters by category {DESERIALIZATION=3}");
        // The sample: its text, then one line per task with its result and the model that answered.
        assertThat(lines).filteredOn(l -> l.startsWith("  ")).extracting(l -> l.substring(2, l.indexOf(':')))
                .containsExactly("pii", "iab", "questions", "summary", "sentiment");
        assertThat(out.toString()).contains("  iab: {\"audience\":", "  questions: {\"questions\":[",
                "\"redacted_text\":", "  sentiment: {\"label\":", "[zlm-v1-iab-classify-edge, ");
        assertThat(err.toString()).contains("produced", "enriched", "dead-lettered", "in flight", "events/s");

        // The summary is the last line on the console: no log line of a closing client follows it.
        assertThat(console.lastNonEmptyLine()).isEqualTo(lines.get(lines.size() - 1));
        // The service's own code has nothing to warn about in a demo that goes well.
        assertThat(console.lines()).noneMatch(l -> l.matches(".* WARN +\\[[^]]*] d\\.e\\..*"));
        // Nor do Kafka's warnings that ask nothing of the operator: the global-thread handler notice (the pipeline
        // sets what it asks for) and the embedded controller's first start.
        assertThat(console.lines()).noneMatch(l -> l.contains("Processing exception handler is not enabled")
                || l.contains("Performing controller activation"));
        // Nor anything else, whatever logs it (the broker, Kafka's clients, the simulator): a demo that goes well
        // asks nothing of the person who runs it.
        assertThat(warnings).isEmpty();
    }

    @Test
    void withTracePictureEveryEventIsTracedAndOneTraceIsDrawn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.nio.file.Path png = dir.resolve("trace.png");
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(out));
        cmd.setErr(new java.io.PrintWriter(err));
        int code = cmd.execute("demo", "--events", "60", "--latency-ms", "10", "--bad-every", "0", "--show", "0",
                "--trace-picture", png.toString());
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("demo: tracing on: no export (collected in process)"));
        assertThat(lines).anyMatch(l -> l.matches("demo: the trace of one event \\(\\d+ spans of \\d+ kept\\) drawn to "
                + java.util.regex.Pattern.quote(png.toString())));
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        // The event's span, and for each of its calls a slot wait and an attempt: at least three rows.
        assertThat(image.getHeight()).isGreaterThanOrEqualTo(120 + 3 * 28);
        assertThat(lines.get(lines.size() - 1))
                .matches("demo: events=60 enriched=60 dead_lettered=0 lost=0 throughput_eps=\\d+");
    }

    /**
     * Threads alive now that were not before, but for the JVM's pools that outlive their user (Awaitility's own, the
     * common pool, {@link java.lang.ref.Cleaner}s, the JDK's process reaper) and the ticks of the broker's Yammer
     * metrics registry (a static singleton). None of those writes to the console.
     */
    private static List<String> threadsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(name -> !name.startsWith("awaitility") && !name.startsWith("ForkJoinPool.commonPool")
                        && !name.startsWith("Cleaner-") && !name.equals("process reaper")
                        && !name.startsWith("metrics-meter-tick-thread"))
                .sorted().collect(Collectors.toList());
    }
}
