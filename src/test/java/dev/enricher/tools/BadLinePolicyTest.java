package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad-line policy, through the file source that applies it. */
class BadLinePolicyTest {
    @TempDir
    Path dir;

    private final List<String> reports = new ArrayList<>();

    @Test
    void sendSendsTheBadLineAsItIsWithoutAKey() throws IOException {
        List<OutgoingEvent> events = readAll(file("{\"id\":\"a\"}", "broken", "{\"id\":\"b\"}"), BadLinePolicy.SEND);
        assertThat(events).extracting(e -> new String(e.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"id\":\"a\"}", "broken", "{\"id\":\"b\"}");
        assertThat(events.get(1).key()).isNull();
        assertThat(reports).singleElement().asString().startsWith("events.jsonl:2: not JSON (")
                .endsWith(": sent as it is (it will become a dead letter)");
    }

    @Test
    void skipLeavesTheBadLineOutAndGoesOn() throws IOException {
        List<OutgoingEvent> events = readAll(file("{\"id\":\"a\"}", "[1, 2]", "{\"id\":\"b\"}"), BadLinePolicy.SKIP);
        assertThat(events).extracting(OutgoingEvent::label).containsExactly("events.jsonl:1", "events.jsonl:3");
        assertThat(reports).containsExactly("events.jsonl:2: a JSON array, not a JSON object: skipped");
    }

    @Test
    void failStopsTheRunBeforeTheBadLine() throws IOException {
        try (FileEvents source = new FileEvents(file("{\"id\":\"a\"}", "42", "{\"id\":\"b\"}"), LineFormat.JSON,
                BadLinePolicy.FAIL, EventKeys.field("id"), reports::add)) {
            assertThat(source.next().label()).isEqualTo("events.jsonl:1");
            assertThatThrownBy(source::next).isInstanceOf(BadLineException.class)
                    .hasMessage("stopped at events.jsonl:2: not a JSON object (--on-bad-line fail)");
            assertThat(source.badLines()).isEqualTo(1);
        }
        assertThat(reports).containsExactly("events.jsonl:2: a JSON number, not a JSON object: stopping "
                + "(--on-bad-line fail)");
    }

    @Test
    void theFirstTwentyBadLinesAreReportedOneByOneTheRestOnlyCounted() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add("bad " + i);
        }
        try (FileEvents source = new FileEvents(file(lines.toArray(new String[0])), LineFormat.JSON,
                BadLinePolicy.SKIP, EventKeys.field("id"), reports::add)) {
            assertThat(source.next()).isNull();
            assertThat(source.badLines()).isEqualTo(25);
        }
        assertThat(reports).hasSize(FileEvents.LISTED_BAD_LINES + 1)
                .endsWith("more bad lines follow; only their count is reported");
    }

    @Test
    void textLinesAreNeverBad() throws IOException {
        List<OutgoingEvent> events = readAll(file("broken", "[1]"), LineFormat.TEXT, BadLinePolicy.FAIL);
        assertThat(events).hasSize(2);
        assertThat(reports).isEmpty();
    }

    private List<OutgoingEvent> readAll(Path file, BadLinePolicy policy) throws IOException {
        return readAll(file, LineFormat.JSON, policy);
    }

    private List<OutgoingEvent> readAll(Path file, LineFormat format, BadLinePolicy policy) throws IOException {
        List<OutgoingEvent> events = new ArrayList<>();
        try (FileEvents source = new FileEvents(file, format, policy, EventKeys.field("id"), reports::add)) {
            for (OutgoingEvent e = source.next(); e != null; e = source.next()) {
                events.add(e);
            }
        }
        return events;
    }

    private Path file(String... lines) throws IOException {
        return Files.writeString(dir.resolve("events.jsonl"), String.join("\n", lines) + "\n");
    }
}
