package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code log.format: json} turns every log line into one JSON object; text is the default. */
class LoggingTest {
    @Test
    void jsonOnRequestTextByDefault() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(json, true, StandardCharsets.UTF_8));
            Logging.apply(true);
            LoggerFactory.getLogger("dev.enricher.test").warn("circuit OPEN request_id={}", "req_123");
        } finally {
            System.setErr(original);
            Logging.apply(false);
        }
        String line = json.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("req_123")).findFirst().orElseThrow();
        JsonNode node = new ObjectMapper().readTree(line);
        assertThat(node.path("level").asText()).isEqualTo("WARN");
        assertThat(node.path("loggerName").asText()).isEqualTo("dev.enricher.test");
        assertThat(node.toString()).contains("circuit OPEN request_id=req_123");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(text, true, StandardCharsets.UTF_8));
            Logging.apply(true);
            Logging.apply(false);
            LoggerFactory.getLogger("dev.enricher.test").warn("plain line");
        } finally {
            System.setErr(original);
        }
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("WARN").contains("plain line").doesNotContain("{\"");
    }
}
