package dev.enricher.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import dev.enricher.client.ModelCatalog;
import dev.enricher.tasks.StructuredOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat models asked for JSON that matches a JSON Schema, as prompt tasks ask, checked by the service's own validator. */
class StructuredAnswersTest {
    private static final Map<String, Object> SCHEMA = Map.of(
            "type", "object",
            "required", List.of("label", "score"),
            "properties", Map.of(
                    "label", Map.of("type", "string", "enum", List.of("positive", "neutral", "negative")),
                    "score", Map.of("type", "number", "minimum", 0, "maximum", 1),
                    "reasons", Map.of("type", "array", "items", Map.of("type", "string"), "maxItems", 3),
                    "mentions", Map.of("type", "integer", "minimum", 1, "maximum", 5)));
    private static final StructuredOutput OUTPUT = StructuredOutput.compile("sentiment", SCHEMA);
    private static final List<String> TEXTS = java.util.stream.IntStream.range(0, 300)
            .mapToObj(i -> "Review " + i + ": the delivery was late but the support team solved it quickly.")
            .toList();

    private final ChatWire wire = new ChatWire();
    private Simulator sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private byte[] body(String text, boolean responseFormat, ChatMessage... history) throws IOException {
        String system = "Classify the sentiment. Answer with one JSON object only. " + StructuredAnswers.MARKER + " "
                + OUTPUT.jsonSchema();
        ChatRequest.Builder b = ChatRequest.builder(ModelCatalog.LLAMA).system(responseFormat ? "Classify." : system)
                .user(text);
        for (ChatMessage m : history) {
            b.message(m);
        }
        if (responseFormat) {
            b.field("response_format", Map.of("type", "json_schema", "json_schema",
                    Map.of("name", "sentiment", "schema", SCHEMA)));
        }
        return wire.requestBody(b.build());
    }

    @Test
    void answersMatchTheRequestedSchemaAndAreAPureFunctionOfTheRequest() throws IOException {
        sim = Simulator.start(SimulatorConfig.builder().instances(1).build());
        for (String text : TEXTS.subList(0, 50)) {
            for (boolean responseFormat : List.of(false, true)) {
                String content = sim.answerContent(body(text, responseFormat));
                JsonNode answer = StructuredOutput.extract(content);
                assertThat(answer).as(content).isNotNull();
                assertThat(OUTPUT.validate(answer)).as(content).isEmpty();
                assertThat(sim.answerContent(body(text, responseFormat))).isEqualTo(content);
            }
        }
        assertThat(sim.answerContent(wire.requestBody(ChatRequest.builder(ModelCatalog.LLAMA)
                .user(TEXTS.get(0)).build()))).as("no schema asked: the usual summary")
                .doesNotStartWith("{");
    }

    @Test
    void atTheFaultRateFirstAnswersAreBrokenWrappedInProseOrOffSchemaAndARepairIsValid() throws IOException {
        sim = Simulator.start(SimulatorConfig.builder().instances(1).jsonFaultRate(0.6).build());
        int broken = 0;
        int wrapped = 0;
        int offSchema = 0;
        int clean = 0;
        for (String text : TEXTS) {
            String content = sim.answerContent(body(text, false));
            JsonNode answer = StructuredOutput.extract(content);
            if (answer == null) {
                broken++;
            } else if (!OUTPUT.validate(answer).isEmpty()) {
                offSchema++;
            } else if (!content.startsWith("{")) {
                wrapped++;
                assertThat(content).contains("```json");
            } else {
                clean++;
            }
            String repaired = sim.answerContent(body(text, false, ChatMessage.assistant(content),
                    ChatMessage.user("Your answer does not match the JSON Schema. Answer again with JSON only.")));
            assertThat(OUTPUT.validate(StructuredOutput.extract(repaired))).as("a repair of %s", content).isEmpty();
        }
        assertThat(broken).isBetween(40, 80);
        assertThat(wrapped).isBetween(40, 80);
        assertThat(offSchema).isBetween(40, 80);
        assertThat(clean).isBetween(90, 150);
    }
}
