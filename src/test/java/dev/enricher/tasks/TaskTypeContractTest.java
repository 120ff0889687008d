package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import dev.enricher.client.ModelCatalog;
import dev.enricher.serde.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of every registered {@link TaskType}, run over the registry (as {@code EmissionQueueContractTest} runs
 * over both queues): a type is checked from its configuration to its bytes in the enriched record. A new type needs
 * only its {@link #example} here; the switch over the types does not compile without one.
 */
class TaskTypeContractTest {
    private static final String TEXT = "Call Jane Cooper at jane.cooper@example.com about the hiking boots.";
    /** Valid JSON that no JSON-answering model's documented shape accepts. */
    private static final String NOT_ITS_SHAPE = "{\"unexpected\": true}";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A representative configuration of one type and two answers to it.
     *
     * @param options     options a spec of the type may carry (the type's required ones at least)
     * @param answer      content of the model's documented shape
     * @param unparseable content the type must refuse
     */
    private record Example(Map<String, Object> options, String answer, String unparseable) {
    }

    private static Example example(TaskType type) {
        return switch (type) {
            case IAB -> new Example(Map.of(), """
                    {"audience":[{"name":"Hikers","score":0.91}],
                     "content":{"iab_1_0":[{"name":"Sports","score":0.8}],"iab_2_2":[]}}""", NOT_ITS_SHAPE);
            case IAB_ENRICHED -> new Example(Map.of(), """
                    {"audience":[{"id":401,"parent_id":"400","name":"Hikers","tier1_name":"Interest",
                                  "tier2_name":"Outdoors","score":0.9}],
                     "content":{"iab_1_0":[{"code":"IAB17-15","name":"Hiking","tier":2,"parent_code":"IAB17",
                                            "score":0.7}]},
                     "topics":[{"name":"boots","score":0.8}],"keywords":["boots","trail"],
                     "user_intent":{"name":"purchase","category":"commercial","score":0.75}}""", NOT_ITS_SHAPE);
            case FOLLOWUP_QUESTIONS -> new Example(Map.of(), "[\"Which size?\", \"Waterproof?\"]", NOT_ITS_SHAPE);
            case PII -> new Example(Map.of("usecase", "redact", "categories", List.of("identity", "contact")), """
                    {"entities":[{"text":"Jane Cooper","label":"person","start":5,"end":16,"score":0.99},
                                 {"text":"jane.cooper@example.com","label":"email","start":20,"end":43,"score":0.97}],
                     "redacted_text":"Call [PERSON] at [EMAIL] about the hiking boots."}""", NOT_ITS_SHAPE);
            case GLINER_NER -> new Example(Map.of("labels", List.of("person", "product")),
                    "{\"entities\":{\"person\":[\"Jane Cooper\"],\"product\":[]}}", NOT_ITS_SHAPE);
            case GLINER_JSON -> new Example(Map.of("schema", Map.of("order", List.of("product::str", "count::int"))),
                    "{\"data\":{\"order\":[{\"product\":\"hiking boots\",\"count\":2,\"size\":null}]}}",
                    NOT_ITS_SHAPE);
            case GLINER_CLASSIFICATION -> new Example(
                    Map.of("schema", Map.of("sentiment", List.of("positive", "negative"))),
                    "{\"classification\":{\"sentiment\":\"positive\"}}", NOT_ITS_SHAPE);
            case ZERO_SHOT -> new Example(Map.of("labels", List.of("shopping", "travel")),
                    "{\"shopping\":0.8,\"travel\":0.2}", NOT_ITS_SHAPE);
            case TEXT_GENERATION -> new Example(Map.of("system_prompt", "Summarise in one sentence.", "max_tokens", 64),
                    "Jane asks about hiking boots.", " \n ");
            case THINKING -> new Example(Map.of(), "<think>She wants boots.</think>Recommend the trail boots.",
                    "<think>only reasoning, never an answer</think>");
            case PROMPT -> new Example(Map.of("template", "What does this person want? {{text}}", "output",
                    Map.of("json-schema", Map.of("type", "object", "required", List.of("want", "urgency"),
                            "properties", Map.of("want", Map.of("type", "string"),
                                    "urgency", Map.of("type", "integer", "minimum", 1, "maximum", 5),
                                    "products", Map.of("type", "array", "items", Map.of("type", "string")))))),
                    "Sure: ```json\n{\"want\": \"hiking boots\", \"urgency\": 3, \"products\": [\"boots\"]}\n```",
                    "{\"want\": \"hiking boots\", \"urgency\": 9}");
        };
    }

    static Stream<TaskType> types() {
        return Arrays.stream(TaskType.values());
    }

    @BeforeAll
    static void trustGeneratedClasses() {
        GeneratedClassTrust.install(); // the Avro reader instantiates the generated classes, as the pipeline's does
    }

    // ---------------------------------------------------------------- configuration

    @ParameterizedTest
    @MethodSource("types")
    void buildsFromItsSpecWithItsDefaultsAndIsFoundBackFromItsTask(TaskType type) {
        EnrichmentTask task = task(type);

        assertThat(task.name()).isEqualTo(type.defaultName());
        assertThat(task.model()).isEqualTo(type.defaultModel());
        assertThat(type.optionKeys()).containsAll(example(type).options().keySet()).doesNotHaveDuplicates();
        assertThat(TaskType.of(task)).as("the type that builds the task").isEqualTo(type);
        assertThat(TaskType.parse(type.name())).isEqualTo(type);
    }

    @ParameterizedTest
    @MethodSource("types")
    void theRequestIsWellFormedForItsModel(TaskType type) throws IOException {
        EnrichmentTask task = task(type);

        ChatRequest request = task.request(TEXT);

        assertThat(ModelCatalog.defaults().contains(type.defaultModel())).as("default model in the catalog").isTrue();
        assertThat(request.model()).isEqualTo(task.model());
        assertThat(request.messages()).last().isEqualTo(ChatMessage.user(TEXT));
        JsonNode body = JSON.readTree(new ChatWire().requestBody(request));
        assertThat(body.get("model").asText()).isEqualTo(task.model());
        assertThat(body.get("messages")).hasSize(request.messages().size());
        assertThat(body.has("stream")).isFalse();
    }

    // ---------------------------------------------------------------- answer to Avro

    @ParameterizedTest
    @MethodSource("types")
    void aRepresentativeAnswerMapsToADatumOfTheDeclaredSchema(TaskType type) {
        TaskResult result = parse(type);

        Object avro = type.toAvro(result);

        assertThat(GenericData.get().validate(type.resultSchema(), avro))
                .as("%s's Avro value validates against its declared schema", type).isTrue();
        assertThat(avro).isInstanceOf(IndexedRecord.class);
        assertThat(((IndexedRecord) avro).getSchema()).isEqualTo(type.resultSchema());
    }

    @ParameterizedTest
    @MethodSource("types")
    void theDeclaredFieldOfTheEnrichedRecordHoldsMapsOfTheDeclaredSchema(TaskType type) {
        Schema.Field field = EnrichedEvent.getClassSchema().getField(type.resultField());

        assertThat(field).as("field '%s' of EnrichedEvent", type.resultField()).isNotNull();
        assertThat(resultValueSchema(field)).isEqualTo(type.resultSchema());
    }

    @ParameterizedTest
    @MethodSource("types")
    void theAvroValueRoundTripsThroughTheEnrichedRecordInItsField(TaskType type) throws IOException {
        EnrichmentTask task = task(type);
        Object avro = type.toAvro(parse(type));
        EnrichedEvent record = envelope();
        record.put(type.resultField(), Map.of(task.name(), avro));

        EnrichedEvent read = roundTrip(record);

        assertThat(read.get(type.resultField())).isEqualTo(Map.of(task.name(), avro));
        for (String other : resultFields()) {
            if (!other.equals(type.resultField())) {
                assertThat(read.get(other)).as(other).isNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void contentNotOfItsShapeIsAnUnparseableRecordErrorKeepingTheRawContent(TaskType type) {
        Completions.unparseable(task(type), example(type).unparseable());
    }

    @ParameterizedTest
    @MethodSource("types")
    void parsingAgainstTheRequestTextOnlyChecksItNeverChangesTheResult(TaskType type) {
        ChatCompletion answer = Completions.of(example(type).answer());

        assertThat(task(type).parse(answer, TEXT)).isEqualTo(task(type).parse(answer));
    }

    @ParameterizedTest
    @MethodSource("types")
    void aTaskThatRedactsGivesItsRedactedText(TaskType type) {
        EnrichmentTask task = task(type);
        TaskResult result = parse(type);

        if (type.redacts(task)) {
            assertThat(type.redactedText(result)).isNotBlank().doesNotContain("Jane Cooper");
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void aResultOrTaskOfAnotherTypeIsRefused(TaskType type) {
        TaskType other = TaskType.values()[(type.ordinal() + 1) % TaskType.values().length];

        assertThatThrownBy(() -> type.toAvro(parse(other))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> type.redacts(task(other))).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- the registry as a whole

    @Test
    void defaultNamesAndResultSchemasAreUnique() {
        assertThat(types().map(TaskType::defaultName)).doesNotHaveDuplicates();
        assertThat(types().map(t -> t.resultSchema().getFullName())).doesNotHaveDuplicates();
    }

    @Test
    void everyResultFieldOfTheEnrichedRecordIsClaimedByExactlyOneType() {
        List<String> claimed = types().map(TaskType::resultField).toList();

        assertThat(claimed).doesNotHaveDuplicates();
        assertThat(claimed).containsExactlyInAnyOrderElementsOf(resultFields());
    }

    @Test
    void aTaskOfNoRegisteredTypeIsRefusedByName() {
        assertThatThrownBy(() -> TaskType.of(new ForeignTask())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'foreign'").hasMessageContaining(TaskType.class.getName());
    }

    /** A task no registered type builds. */
    private record ForeignTask() implements EnrichmentTask {
        @Override
        public String name() {
            return "foreign";
        }

        @Override
        public String model() {
            return ModelCatalog.LLAMA;
        }

        @Override
        public ChatRequest request(String text) {
            return ChatRequest.builder(model()).user(text).build();
        }

        @Override
        public TaskResult parse(ChatCompletion completion) {
            return new TextResult(completion.content(), null, false);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static EnrichmentTask task(TaskType type) {
        return TaskFactory.create(new TaskSpec(null, type, null, example(type).options()));
    }

    /** The example answer parsed as the engine parses it: against the text its request was built from. */
    private static TaskResult parse(TaskType type) {
        return task(type).parse(Completions.of(example(type).answer()), TEXT);
    }

    /** The fields of the enriched record that hold results: optional maps from task name to a result record. */
    private static Set<String> resultFields() {
        return EnrichedEvent.getClassSchema().getFields().stream()
                .filter(f -> resultValueSchema(f) != null)
                .map(Schema.Field::name)
                .collect(Collectors.toCollection(HashSet::new));
    }

    /** The record a result field's map holds, or null when {@code field} is not {@code ["null", map<record>]}. */
    private static Schema resultValueSchema(Schema.Field field) {
        Schema s = field.schema();
        if (s.getType() != Schema.Type.UNION || s.getTypes().size() != 2
                || s.getTypes().get(0).getType() != Schema.Type.NULL) {
            return null;
        }
        Schema map = s.getTypes().get(1);
        return map.getType() == Schema.Type.MAP && map.getValueType().getType() == Schema.Type.RECORD
                ? map.getValueType() : null;
    }

    /** The enriched record's envelope with no results. */
    private static EnrichedEvent envelope() {
        return EnrichedEvent.newBuilder()
                .setSourceTopic("in")
                .setSourcePartition(0)
                .setSourceOffset(0L)
                .setSourceTimestamp(Instant.EPOCH)
                .setText(TEXT)
                .setModelCalls(List.of())
                .setFailedTasks(List.of())
                .setEnrichedAt(Instant.EPOCH)
                .build();
    }

    private static EnrichedEvent roundTrip(EnrichedEvent record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(EnrichedEvent.class).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<>(EnrichedEvent.class)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
