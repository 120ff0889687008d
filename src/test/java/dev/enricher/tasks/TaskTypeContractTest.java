package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import dev.enricher.client.ModelCatalog;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.topology.OutputSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
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
            case PROMPT -> new Example(Map.of("system", "What does this person want?", "template", "{{text}}", "output",
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
        EnrichmentTask task = task(type);
        TaskResult result = parse(type);

        Object avro = type.toAvro(result);

        assertThat(GenericData.get().validate(type.resultSchema(task), avro))
                .as("%s's Avro value validates against its declared schema", type).isTrue();
        assertThat(avro).isInstanceOf(IndexedRecord.class);
        assertThat(((IndexedRecord) avro).getSchema()).isEqualTo(type.resultSchema(task));
    }

    @ParameterizedTest
    @MethodSource("types")
    void theTasksFieldOfTheEnrichedRecordIsItsResultSchemaOptional(TaskType type) {
        EnrichmentTask task = task(type);

        Schema.Field field = OutputSchema.of(List.of(task)).getField(OutputSchema.RESULTS).schema()
                .getField(task.name());

        assertThat(field).as("field 'results.%s' of the enriched record", task.name()).isNotNull();
        assertThat(resultValueSchema(field)).isEqualTo(type.resultSchema(task));
        assertThat(field.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
    }

    @ParameterizedTest
    @MethodSource("types")
    void theAvroValueRoundTripsThroughTheEnrichedRecordInItsField(TaskType type) throws IOException {
        EnrichmentTask task = task(type);
        Object avro = type.toAvro(parse(type));
        Schema schema = OutputSchema.of(List.of(task));
        GenericRecord record = envelope(schema);
        ((GenericRecord) record.get(OutputSchema.RESULTS)).put(task.name(), avro);

        GenericRecord read = roundTrip(schema, record);

        GenericRecord results = (GenericRecord) read.get(OutputSchema.RESULTS);
        assertThat(results.getSchema().getFields()).extracting(Schema.Field::name).containsExactly(task.name());
        assertThat(results.get(task.name())).isEqualTo(avro);
        assertThat(read.get("text").toString()).isEqualTo(TEXT);
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
        assertThat(types().map(t -> t.resultSchema(task(t)).getFullName())).doesNotHaveDuplicates();
    }

    @Test
    void oneTaskOfEachTypeGivesOneResultFieldEachInTaskOrder() {
        List<EnrichmentTask> tasks = types().map(TaskTypeContractTest::task).toList();

        Schema results = OutputSchema.of(tasks).getField(OutputSchema.RESULTS).schema();

        assertThat(results.getFields()).extracting(Schema.Field::name)
                .containsExactlyElementsOf(types().map(TaskType::defaultName).toList());
        for (EnrichmentTask task : tasks) {
            assertThat(resultValueSchema(results.getField(task.name()))).as(task.name())
                    .isEqualTo(TaskType.of(task).resultSchema(task));
        }
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

    /** The record a task's result field holds, or null when {@code field} is not {@code ["null", record]}. */
    private static Schema resultValueSchema(Schema.Field field) {
        Schema s = field.schema();
        if (s.getType() != Schema.Type.UNION || s.getTypes().size() != 2
                || s.getTypes().get(0).getType() != Schema.Type.NULL) {
            return null;
        }
        Schema record = s.getTypes().get(1);
        return record.getType() == Schema.Type.RECORD ? record : null;
    }

    /** The enriched record of {@code schema} with its envelope set and every result null. */
    private static GenericRecord envelope(Schema schema) {
        GenericData.Record e = new GenericData.Record(schema);
        e.put("source_topic", "in");
        e.put("source_partition", 0);
        e.put("source_offset", 0L);
        e.put("source_timestamp", 0L);
        e.put("text", TEXT);
        e.put("text_redacted", false);
        e.put("attributes", Map.of());
        e.put(OutputSchema.RESULTS, new GenericData.Record(schema.getField(OutputSchema.RESULTS).schema()));
        e.put("model_calls", List.of());
        e.put("failed_tasks", List.of());
        e.put("skipped_tasks", List.of());
        e.put("long_inputs", List.of());
        e.put("cost_usd", 0.0);
        e.put("enriched_at", 0L);
        return e;
    }

    /** Written and read as the pipeline and its readers do: built-in results as their generated classes. */
    private static GenericRecord roundTrip(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<GenericRecord>(schema, SpecificData.get()).write(record, encoder);
        encoder.flush();
        return new SpecificDatumReader<GenericRecord>(schema, schema, SpecificData.get())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
