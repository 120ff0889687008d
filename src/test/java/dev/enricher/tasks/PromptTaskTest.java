package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** The prompt task type as configuration builds it: requests, parsing into typed results, and refusals at start. */
class PromptTaskTest {
    private static final String SCHEMA = """
            {"type": "object", "required": ["label", "score"],
             "properties": {
               "label": {"type": "string", "enum": ["positive", "neutral", "negative"], "description": "The sentiment."},
               "score": {"type": "number", "minimum": 0, "maximum": 1},
               "reasons": {"type": "array", "items": {"type": "string"}}}}""";
    private static final TaskInput EVENT = new TaskInput("I love these boots", "e1", Map.of("lang", "en"));

    private static PromptTask task(Map<String, Object> options) {
        return (PromptTask) TaskFactory.create(new TaskSpec("sentiment", TaskType.PROMPT, null, options));
    }

    private static Map<String, Object> json(Map<String, Object> more) {
        Map<String, Object> o = new HashMap<>(Map.of("system", "You judge sentiment.",
                "template", "Text ({{attributes.lang}}): {{text}}", "output", Map.of("json-schema",
                        PromptTask.schema(SCHEMA))));
        o.putAll(more);
        return o;
    }

    @Test
    void theUserMessageIsRenderedFromTheEventAndTheSchemaGoesInTheSystemMessage() {
        PromptTask task = task(json(Map.of()));
        ChatRequest r = task.request(EVENT);
        assertThat(r.model()).isEqualTo("llama-3.1-8b-instruct-fast");
        assertThat(r.messages()).hasSize(2);
        assertThat(r.messages().get(0).role()).isEqualTo("system");
        assertThat(r.messages().get(0).content()).startsWith("You judge sentiment.")
                .contains("JSON Schema: {\"type\":\"object\"");
        assertThat(r.messages().get(1)).isEqualTo(ChatMessage.user("Text (en): I love these boots"));
        assertThat(r.extraFields()).doesNotContainKey("response_format");
    }

    @Test
    void responseFormatPassesTheSchemaToEndpointsThatSupportIt() {
        PromptTask task = task(json(Map.of("response_format", true)));
        ChatRequest r = task.request(EVENT);
        assertThat(r.messages().get(0)).isEqualTo(ChatMessage.system("You judge sentiment."));
        @SuppressWarnings("unchecked")
        Map<String, Object> format = (Map<String, Object>) r.extraFields().get("response_format");
        assertThat(format).containsEntry("type", "json_schema");
        @SuppressWarnings("unchecked")
        Map<String, Object> jsonSchema = (Map<String, Object>) format.get("json_schema");
        assertThat(jsonSchema).containsEntry("name", "sentiment").containsEntry("schema", PromptTask.schema(SCHEMA));
    }

    @Test
    void aRepairRequestContinuesTheConversationWithTheRefusedAnswerAndTheProblem() {
        PromptTask task = task(json(Map.of()));
        ChatRequest r = task.request(EVENT, List.of(new RefusedAnswer("{\"label\":\"great\"}", "$.score: required")));
        assertThat(r.messages()).extracting(ChatMessage::role).containsExactly("system", "user", "assistant", "user");
        assertThat(r.messages().get(2).content()).isEqualTo("{\"label\":\"great\"}");
        assertThat(r.messages().get(3).content()).contains("$.score: required");
        assertThat(task.repairs()).isEqualTo(1);
        assertThat(task(json(Map.of("repairs", 3))).repairs()).isEqualTo(3);
    }

    @Test
    void aValidAnswerBecomesTheTypedAvroRecordOfItsSchemaWhateverProseSurroundsIt() {
        PromptTask task = task(json(Map.of()));
        TaskResult result = task.parse(Completions.of("Sure!\n```json\n{\"label\": \"positive\", \"score\": 0.92,"
                + " \"reasons\": [\"love\"]}\n```"));
        GenericRecord record = ((PromptTask.StructuredResult) result).record();
        assertThat(record.getSchema()).isEqualTo(task.resultSchema());
        assertThat(record.getSchema().getFullName()).isEqualTo("dev.enricher.results.SentimentResult");
        assertThat(record.get("label")).hasToString("positive");
        assertThat(record.get("score")).isEqualTo(0.92);
        assertThat((List<?>) record.get("reasons")).extracting(Object::toString).containsExactly("love");
        assertThat(TaskType.PROMPT.toAvro(result)).isSameAs(record);
        assertThat(TaskType.PROMPT.resultSchema(task)).isEqualTo(task.resultSchema());
    }

    @Test
    void anAnswerThatBreaksTheSchemaIsUnparseableContentNamingWhere() {
        PromptTask task = task(json(Map.of()));
        assertThat(Completions.unparseable(task, "{\"label\": \"great\", \"score\": 2}"))
                .contains("does not follow the task's JSON Schema").contains("/label").contains("/score");
        assertThat(Completions.unparseable(task, "{\"label\": \"posi")).contains("expected a JSON object");
    }

    @Test
    void aTextOutputIsATextResult() {
        PromptTask task = task(Map.of("template", "Title for: {{text}}", "output", "text"));
        assertThat(task.structured()).isFalse();
        assertThat(task.resultSchema()).isEqualTo(dev.enricher.avro.TextResult.getClassSchema());
        assertThat(task.request(EVENT).messages()).containsExactly(ChatMessage.user("Title for: I love these boots"));
        assertThat(task.parse(Completions.of("  Boots I love \n"))).isEqualTo(new TextResult("Boots I love", "stop",
                false));
        assertThat(task.repairs()).as("a text answer has nothing to repair").isZero();
    }

    @Test
    void aRequiredPlaceholderTheEventLacksIsRefusedNamingIt() {
        PromptTask task = task(json(Map.of("required", List.of("attributes.lang"))));
        assertThatThrownBy(() -> task.request(TaskInput.of("no attributes here")))
                .isInstanceOf(PromptTemplate.MissingPlaceholderException.class).hasMessageContaining("attributes.lang");
    }

    @Test
    void badConfigurationIsRefusedAtStartNamingTheTaskAndWhat() {
        assertThatThrownBy(() -> task(Map.of("output", "text")))
                .hasMessageContaining("task 'sentiment'").hasMessageContaining("'template' is required");
        assertThatThrownBy(() -> task(json(Map.of("template", "Hi {{user.name}}"))))
                .hasMessageContaining("task 'sentiment'").hasMessageContaining("user.name").hasMessageContaining("line 1");
        assertThatThrownBy(() -> task(json(Map.of("output", Map.of("json-schema", PromptTask.schema(
                "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"object\"}}}"))))))
                .hasMessageContaining("task 'sentiment'").hasMessageContaining("$.properties.x");
        assertThatThrownBy(() -> task(json(Map.of("output", "yaml"))))
                .hasMessageContaining("option 'output' must be 'text' or a map with one key 'json-schema'");
        assertThatThrownBy(() -> task(json(Map.of("fallback_model", "llama-3.1-8b-instruct-fast"))))
                .hasMessageContaining("fallback_model must name another model");
        assertThatThrownBy(() -> task(json(Map.of("repairs", 9))))
                .hasMessageContaining("option 'repairs' must be a whole number between 0 and 3, was 9");
        assertThatThrownBy(() -> task(json(Map.of("required", List.of("id")))))
                .hasMessageContaining("required lists 'id', which neither the template nor the system message uses");
        assertThatThrownBy(() -> task(Map.of("template", "{{text}}", "response_format", true)))
                .hasMessageContaining("response_format needs output.json-schema");
        assertThatThrownBy(() -> task(json(Map.of("fallback-model", "a", "fallback_model", "b"))))
                .hasMessageContaining("given twice");
    }

    @Test
    void keysMayBeWrittenWithHyphens() {
        PromptTask task = task(json(Map.of("fallback-model", "LFM2.5-1.2B-Instruct", "response-format", true)));
        assertThat(task.fallbackModel()).isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(task.config().responseFormat()).isTrue();
    }

    @Test
    void theFingerprintFollowsWhatShapesRequestAndParsingButNotTheName() {
        PromptTask a = task(json(Map.of()));
        PromptTask renamed = (PromptTask) TaskFactory.create(new TaskSpec("mood", TaskType.PROMPT, null, json(Map.of())));
        assertThat(renamed.fingerprint()).isEqualTo(a.fingerprint());
        assertThat(task(json(Map.of())).fingerprint()).as("stable").isEqualTo(a.fingerprint());
        assertThat(task(json(Map.of("template", "Other: {{text}}"))).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(task(json(Map.of("output", Map.of("json-schema", PromptTask.schema(
                SCHEMA.replace("\"neutral\", ", "")))))).fingerprint()).isNotEqualTo(a.fingerprint());
        assertThat(task(json(Map.of("fallback_model", "LFM2.5-1.2B-Instruct"))).fingerprint())
                .isNotEqualTo(a.fingerprint());
        assertThat(a).isEqualTo(task(json(Map.of()))).isNotEqualTo(renamed);
    }

    @Test
    void theResultSchemaIsARecordNamedByTheTaskWithOptionalFieldsNullFirst() {
        Schema s = task(json(Map.of())).resultSchema();
        assertThat(s.getField("label").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(s.getField("label").doc()).contains("positive").contains("negative");
        assertThat(s.getField("reasons").schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
    }
}
