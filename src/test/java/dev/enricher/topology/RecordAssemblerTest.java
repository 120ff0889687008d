package dev.enricher.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.avro.ThinkingSplit;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;
import dev.enricher.engine.CallInfo;
import dev.enricher.engine.Failure;
import dev.enricher.engine.EarlierCall;
import dev.enricher.engine.FinishedEvent;
import dev.enricher.engine.InputRecord;
import dev.enricher.engine.TaskOutcome;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.tasks.ClassificationResult;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.EntitiesResult;
import dev.enricher.tasks.ExtractionResult;
import dev.enricher.tasks.FollowupQuestionsResult;
import dev.enricher.tasks.FollowupQuestionsTask;
import dev.enricher.tasks.GlinerClassificationTask;
import dev.enricher.tasks.GlinerJsonTask;
import dev.enricher.tasks.GlinerNerTask;
import dev.enricher.tasks.IabEnrichedResult;
import dev.enricher.tasks.IabEnrichedTask;
import dev.enricher.tasks.IabResult;
import dev.enricher.tasks.IabTask;
import dev.enricher.tasks.PiiEntity;
import dev.enricher.tasks.PiiResult;
import dev.enricher.tasks.PiiTask;
import dev.enricher.tasks.PiiUsecase;
import dev.enricher.tasks.ScoredLabel;
import dev.enricher.tasks.TaskResult;
import dev.enricher.tasks.TaskType;
import dev.enricher.tasks.TextGenerationTask;
import dev.enricher.tasks.TextResult;
import dev.enricher.tasks.ThinkingResult;
import dev.enricher.tasks.ThinkingTask;
import dev.enricher.tasks.ZeroShotResult;
import dev.enricher.tasks.ZeroShotTask;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class RecordAssemblerTest {
    private static final String ENRICHED = "enriched";
    private static final String DLQ = "dead-letters";
    private static final long TIMESTAMP = 1_764_000_000_000L;
    private static final long NOW = 1_764_000_005_000L;
    private static final String TEXT = "Call Ann at 555-0100 about the hiking boots.";
    private static final String REDACTED = "Call [PERSON] at [PHONE] about the hiking boots.";

    private static final IabTask IAB = new IabTask();
    private static final IabEnrichedTask IAB_ENRICHED = new IabEnrichedTask();
    private static final FollowupQuestionsTask FOLLOWUPS = new FollowupQuestionsTask();
    private static final PiiTask PII = new PiiTask();
    private static final PiiTask PII_REDACT = new PiiTask("redact", null, PiiUsecase.REDACT, null, 0.5, null);
    private static final GlinerNerTask NER = new GlinerNerTask(List.of("person", "organization"));
    private static final GlinerJsonTask JSON = new GlinerJsonTask(Map.of("product", List.of("name::str", "price::str")));
    private static final GlinerClassificationTask CLASSIFY =
            new GlinerClassificationTask(Map.of("sentiment", List.of("positive", "negative")));
    private static final ZeroShotTask ZERO_SHOT = new ZeroShotTask(List.of("sports", "travel"));
    private static final TextGenerationTask SUMMARY = new TextGenerationTask();
    private static final TextGenerationTask TITLE = new TextGenerationTask("title", null, null, 20, null);
    private static final ThinkingTask THINKING = new ThinkingTask();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Serde<GenericRecord> enrichedSerde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
    /** Reads as the tools do: the envelope generic, the built-in results as their generated classes. */
    private final AvroDeserializer<GenericRecord> enrichedReader = AvroDeserializer.mixed(registry);
    private final Serde<DeadLetter> deadLetterSerde =
            AvroSerdes.specific(DeadLetter.class, registry, AvroSerdeConfig.defaults());

    // ---- enriched: every result type ----

    @Test
    void everyResultTypeRoundTripsInTheFieldOfItsTaskName() {
        List<EnrichmentTask> tasks = List.of(IAB, IAB_ENRICHED, FOLLOWUPS, PII, NER, JSON, CLASSIFY, ZERO_SHOT,
                SUMMARY, TITLE, THINKING);
        Map<String, TaskResult> results = new LinkedHashMap<>();
        results.put("iab", new IabResult(List.of(new ScoredLabel("Hikers", 0.91)),
                List.of(new ScoredLabel("Sports", 0.8), new ScoredLabel("Travel", 0.4)), List.of()));
        results.put("iab_enriched", new IabEnrichedResult(
                List.of(new IabEnrichedResult.Audience("401", "400", "Hikers", "Interest", "Outdoors", null, 0.9),
                        new IabEnrichedResult.Audience(null, null, "Shoppers", null, null, null, 0.5)),
                List.of(new IabEnrichedResult.Category("IAB17-15", "Hiking", 2, "IAB17", 0.7),
                        new IabEnrichedResult.Category("IAB17", "Sports", null, null, 0.6)),
                List.of(new ScoredLabel("boots", 0.8)), List.of("boots", "trail"),
                new IabEnrichedResult.UserIntent("purchase", "commercial", 0.75)));
        results.put("followups", new FollowupQuestionsResult(List.of("Which size?", "Waterproof?")));
        results.put("pii", new PiiResult(
                List.of(new PiiEntity("Ann", "person", 5, 8, 0.99), new PiiEntity("555-0100", "phone", 12, 20, 0.9)),
                Map.of("person", List.of("Ann"), "phone", List.of("555-0100")), null));
        results.put("entities", new EntitiesResult(linked("person", List.of("Ann"), "organization", List.of())));
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("name", "Trail X1");
        instance.put("price", null);
        results.put("extract", new ExtractionResult(Map.of("product", List.of(instance))));
        results.put("classify", new ClassificationResult(Map.of("sentiment", "positive")));
        results.put("labels", new ZeroShotResult(List.of(new ScoredLabel("travel", 0.2),
                new ScoredLabel("sports", 0.7))));
        results.put("summary", new TextResult("Ann wants hiking boots.", "stop", false));
        results.put("title", new TextResult("Boots", "length", true));
        results.put("thinking", new ThinkingResult("Boots.", "She asks about boots.", ThinkingResult.Split.TAGS,
                false));
        List<TaskOutcome> outcomes = new ArrayList<>();
        for (EnrichmentTask t : tasks) {
            outcomes.add(success(t, results.get(t.name()), call(t.name())));
        }
        RecordAssembler assembler = assembler(tasks);

        GenericRecord e = readEnriched(assembler.enriched(
                new FinishedEvent(input(key("k1"), List.of()), new DecodedEvent(TEXT, "evt-1", Map.of("lang", "en")),
                        outcomes, null), NOW));

        assertThat(EnrichedRecords.string(e, "id")).isEqualTo("evt-1");
        assertThat(EnrichedRecords.string(e, "source_topic")).isEqualTo("raw");
        assertThat(e.get("source_partition")).isEqualTo(3);
        assertThat(e.get("source_offset")).isEqualTo(42L);
        assertThat(EnrichedRecords.millis(e, "source_timestamp")).isEqualTo(TIMESTAMP);
        assertThat(EnrichedRecords.string(e, "text")).isEqualTo(TEXT);
        assertThat(e.get("text_redacted")).isEqualTo(false);
        assertThat(strings(e.get("attributes"))).containsExactly(entry("lang", "en"));
        assertThat(EnrichedRecords.millis(e, "enriched_at")).isEqualTo(NOW);
        assertThat(EnrichedRecords.failedTasks(e)).isEmpty();
        assertThat((List<?>) e.get("skipped_tasks")).isEmpty();
        assertThat(EnrichedRecords.answered(e)).containsExactly("iab", "iab_enriched", "followups", "pii", "entities",
                "extract", "classify", "labels", "summary", "title", "thinking");

        dev.enricher.avro.IabResult iab = EnrichedRecords.result(e, "iab", dev.enricher.avro.IabResult.class);
        assertThat(iab.getAudience()).containsExactly(new dev.enricher.avro.ScoredLabel("Hikers", 0.91));
        assertThat(iab.getIab10()).containsExactly(new dev.enricher.avro.ScoredLabel("Sports", 0.8),
                new dev.enricher.avro.ScoredLabel("Travel", 0.4));
        assertThat(iab.getIab22()).isEmpty();

        dev.enricher.avro.IabEnrichedResult ie = EnrichedRecords.result(e, "iab_enriched",
                dev.enricher.avro.IabEnrichedResult.class);
        assertThat(ie.getAudience()).containsExactly(
                new dev.enricher.avro.IabAudience("401", "400", "Hikers", "Interest", "Outdoors", null, 0.9),
                new dev.enricher.avro.IabAudience(null, null, "Shoppers", null, null, null, 0.5));
        assertThat(ie.getCategories()).containsExactly(
                new dev.enricher.avro.IabCategory("IAB17-15", "Hiking", 2, "IAB17", 0.7),
                new dev.enricher.avro.IabCategory("IAB17", "Sports", null, null, 0.6));
        assertThat(ie.getTopics()).containsExactly(new dev.enricher.avro.ScoredLabel("boots", 0.8));
        assertThat(ie.getKeywords()).containsExactly("boots", "trail");
        assertThat(ie.getUserIntent()).isEqualTo(new dev.enricher.avro.UserIntent("purchase", "commercial", 0.75));

        assertThat(EnrichedRecords.result(e, "followups", dev.enricher.avro.FollowupQuestionsResult.class)
                .getQuestions()).containsExactly("Which size?", "Waterproof?");

        dev.enricher.avro.PiiResult pii = EnrichedRecords.result(e, "pii", dev.enricher.avro.PiiResult.class);
        assertThat(pii.getEntities()).containsExactly(
                new dev.enricher.avro.PiiEntity("Ann", "person", 5, 8, 0.99, null),
                new dev.enricher.avro.PiiEntity("555-0100", "phone", 12, 20, 0.9, null));
        assertThat(pii.getEntitiesByLabel()).containsOnly(entry("person", List.of("Ann")),
                entry("phone", List.of("555-0100")));
        assertThat(pii.getRedactedText()).isNull();

        // Avro's Java reader builds a HashMap: written in order, a map is read back without one.
        assertThat(EnrichedRecords.result(e, "entities", dev.enricher.avro.EntitiesResult.class).getEntities())
                .containsOnly(entry("person", List.of("Ann")), entry("organization", List.of()));
        Map<String, String> fields = EnrichedRecords.result(e, "extract", dev.enricher.avro.ExtractionResult.class)
                .getData().get("product").get(0);
        assertThat(fields).containsOnly(entry("name", "\"Trail X1\""), entry("price", null));
        assertThat(EnrichedRecords.result(e, "classify", dev.enricher.avro.ClassificationResult.class)
                .getClassification()).containsExactly(entry("sentiment", "positive"));
        assertThat(EnrichedRecords.result(e, "labels", dev.enricher.avro.ZeroShotResult.class).getLabels())
                .containsExactly(new dev.enricher.avro.ScoredLabel("sports", 0.7),
                        new dev.enricher.avro.ScoredLabel("travel", 0.2));
        assertThat(EnrichedRecords.result(e, "summary"))
                .isEqualTo(new dev.enricher.avro.TextResult("Ann wants hiking boots.", "stop", false));
        assertThat(EnrichedRecords.result(e, "title")).isEqualTo(new dev.enricher.avro.TextResult("Boots", "length",
                true));
        assertThat(EnrichedRecords.result(e, "thinking")).isEqualTo(new dev.enricher.avro.ThinkingResult("Boots.",
                "She asks about boots.", ThinkingSplit.TAGS, false));

        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> EnrichedRecords.string(c, "task")).containsExactly("iab",
                "iab_enriched", "followups", "pii", "entities", "extract", "classify", "labels", "summary", "title",
                "thinking");
        assertThat(fields(EnrichedRecords.modelCalls(e).get(9))).containsExactly(entry("task", "title"),
                entry("model", TITLE.model()), entry("completion_id", "cmpl-title"), entry("request_id", "req-title"),
                entry("prompt_tokens", 120), entry("completion_tokens", null), entry("latency_ms", 85L),
                entry("attempts", 2), entry("accepted", true), entry("piece", null),
                entry("cost_usd", 120 * 0.02 / 1e6), entry("cached", false));
    }

    // ---- enriched: the schema ----

    @Test
    void theSchemaHasExactlyOneResultsFieldPerTaskInTaskOrderTypedByItsResult() {
        List<EnrichmentTask> tasks = List.of(SUMMARY, IAB, PII_REDACT, TITLE, ZERO_SHOT);
        RecordAssembler assembler = assembler(tasks);

        Schema results = assembler.schema().getField(OutputSchema.RESULTS).schema();

        assertThat(assembler.schema()).isEqualTo(RecordAssembler.enrichedSchema(tasks))
                .isEqualTo(OutputSchema.of(tasks));
        assertThat(results.getFields()).extracting(Schema.Field::name)
                .containsExactly("summary", "iab", "redact", "title", "labels");
        for (EnrichmentTask t : tasks) {
            Schema.Field f = results.getField(t.name());
            assertThat(f.schema().getTypes()).as(t.name()).containsExactly(Schema.create(Schema.Type.NULL),
                    TaskType.of(t).resultSchema(t));
            assertThat(f.defaultVal()).as(t.name()).isEqualTo(JsonProperties.NULL_VALUE);
        }
        // The envelope around it is the published one.
        assertThat(assembler.schema().getFields()).extracting(Schema.Field::name)
                .containsExactlyElementsOf(OutputSchema.envelope().getFields().stream().map(Schema.Field::name)
                        .toList());

        // What a reader gets is written with that schema.
        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                success(SUMMARY, new TextResult("x", null, false), null),
                success(IAB, new IabResult(List.of(), List.of(), List.of()), null),
                success(PII_REDACT, new PiiResult(List.of(), Map.of(), REDACTED), null),
                success(TITLE, new TextResult("t", null, false), null),
                success(ZERO_SHOT, new ZeroShotResult(List.of(new ScoredLabel("sports", 0.7))), null))), NOW));
        assertThat(e.getSchema()).isEqualTo(assembler.schema());
        assertThat(EnrichedRecords.answered(e)).containsExactly("summary", "iab", "redact", "title", "labels");
    }

    @Test
    void extractionValuesAreJsonTextSoTheyKeepTheirType() {
        Map<String, Object> instance = new LinkedHashMap<>();
        instance.put("name", "Acme");
        instance.put("count", 42L);
        instance.put("price", 19.5);
        instance.put("in_stock", true);
        instance.put("tags", List.of("a", "b"));
        instance.put("quoted", "say \"hi\"");
        instance.put("missing", null);
        RecordAssembler assembler = assembler(List.of(JSON));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(success(JSON,
                new ExtractionResult(Map.of("product", List.of(instance, Map.of())) ), call("extract")))), NOW));

        List<Map<String, String>> instances = EnrichedRecords.result(e, "extract",
                dev.enricher.avro.ExtractionResult.class).getData().get("product");
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0)).containsOnly(entry("name", "\"Acme\""), entry("count", "42"),
                entry("price", "19.5"), entry("in_stock", "true"), entry("tags", "[\"a\",\"b\"]"),
                entry("quoted", "\"say \\\"hi\\\"\""), entry("missing", null));
        assertThat(instances.get(1)).isEmpty();
    }

    @Test
    void onlyTheConfiguredTasksHaveAFieldEachHoldingItsResult() {
        RecordAssembler assembler = assembler(List.of(IAB, SUMMARY));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                success(IAB, new IabResult(List.of(), List.of(), List.of()), call("iab")),
                success(SUMMARY, new TextResult("Boots.", null, false), null))), NOW));

        assertThat(EnrichedRecords.results(e).getSchema().getFields()).extracting(Schema.Field::name)
                .containsExactly("iab", "summary");
        assertThat(EnrichedRecords.result(e, "iab")).isInstanceOf(dev.enricher.avro.IabResult.class);
        assertThat(EnrichedRecords.result(e, "summary", dev.enricher.avro.TextResult.class).getFinishReason())
                .isNull();
        // Tasks of other types, or of no configured name, have no field at all (not a row of nulls).
        assertThat(EnrichedRecords.results(e).hasField("thinking")).isFalse();
        assertThat(EnrichedRecords.result(e, "pii")).isNull();
        assertThat(EnrichedRecords.string(e, "id")).isNull();
        assertThat(strings(e.get("attributes"))).isEmpty();
        assertThat((List<?>) e.get("skipped_tasks")).isEmpty();
        // A task that never called the API (no CallInfo) has no model call.
        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> EnrichedRecords.string(c, "task")).containsExactly("iab");
    }

    // ---- enriched: key, timestamp, headers ----

    @Test
    void keyTimestampAndHeadersAreCarriedInOrderWithRepeatsAndNullValues() {
        List<InputRecord.Header> headers = List.of(header("trace", "t-1"), new InputRecord.Header("empty", null),
                header("trace", "t-2"), header("source", "app"));
        RecordAssembler assembler = assembler(List.of(SUMMARY));

        Record<byte[], byte[]> out = assembler.enriched(new FinishedEvent(input(key("k-7"), headers),
                DecodedEvent.ofText(TEXT), List.of(success(SUMMARY, new TextResult("x", null, false), null)), null),
                NOW);

        assertThat(out.key()).isEqualTo(key("k-7"));
        assertThat(out.timestamp()).isEqualTo(TIMESTAMP);
        assertThat(headerList(out)).containsExactly(entry("trace", "t-1"), entry("empty", null),
                entry("trace", "t-2"), entry("source", "app"));
        assertThat(EnrichedRecords.millis(readEnriched(out), "source_timestamp")).isEqualTo(TIMESTAMP);
    }

    @Test
    void aNullKeyStaysNull() {
        RecordAssembler assembler = assembler(List.of(SUMMARY));

        Record<byte[], byte[]> out = assembler.enriched(new FinishedEvent(input(null, List.of()),
                DecodedEvent.ofText(TEXT), List.of(success(SUMMARY, new TextResult("x", null, false), null)), null),
                NOW);
        Record<byte[], byte[]> dead = assembler.deadLetter(new FinishedEvent(input(null, List.of()), null, List.of(),
                Failure.of(DeadLetterCategory.VALIDATION, "no text", null, null)), NOW);

        assertThat(out.key()).isNull();
        assertThat(out.headers().toArray()).isEmpty();
        assertThat(dead.key()).isNull();
        assertThat(readDeadLetter(dead).getKey()).isNull();
    }

    @Test
    void aSerializationFailurePropagatesAsSerdeException() {
        // Auto-registration off and nothing registered: the serializer refuses, as with a locked-down registry.
        Serializer<GenericRecord> strict = AvroSerdes.generic(new InMemorySchemaRegistry(),
                AvroSerdeConfig.defaults().withAutoRegister(false)).serializer();
        RecordAssembler assembler = new RecordAssembler(ENRICHED, DLQ, List.of(SUMMARY), strict,
                deadLetterSerde.serializer());

        assertThatThrownBy(() -> assembler.enriched(event(List.of(
                success(SUMMARY, new TextResult("x", null, false), null))), NOW))
                .isInstanceOfSatisfying(SerdeException.class,
                        e -> assertThat(e.reason()).isEqualTo(SerdeException.Reason.SCHEMA_NOT_REGISTERED));
    }

    // ---- enriched: partial results ----

    @Test
    void partialResultsListTheFailedTasks() {
        RecordAssembler assembler = assembler(List.of(IAB, SUMMARY, ZERO_SHOT));
        Failure exhausted = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED, "503 five times in 2 minutes",
                "summary", SUMMARY.model(), 503, "server_error", "overloaded", "try later", "req-9", 5, 1L, 2L, null);
        Failure unparseable = new Failure(DeadLetterCategory.RESPONSE_UNPARSEABLE, "expected an array at $",
                "labels", ZERO_SHOT.model(), null, null, null, null, null, null, null, null, "{oops");

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                success(IAB, new IabResult(List.of(), List.of(), List.of()), call("iab")),
                new TaskOutcome("summary", SUMMARY.model(), null, null, exhausted),
                new TaskOutcome("labels", ZERO_SHOT.model(), null, null, unparseable))), NOW));

        assertThat(EnrichedRecords.result(e, "iab")).isInstanceOf(dev.enricher.avro.IabResult.class);
        assertThat(EnrichedRecords.answered(e)).containsExactly("iab"); // configured, but the others failed
        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> EnrichedRecords.string(c, "task")).containsExactly("iab");
        assertThat(EnrichedRecords.failedTasks(e)).extracting(RecordAssemblerTest::fields).containsExactly(
                failure("summary", SUMMARY.model(), "API_RETRIES_EXHAUSTED", "503 five times in 2 minutes", 503, 5,
                        "req-9"),
                failure("labels", ZERO_SHOT.model(), "RESPONSE_UNPARSEABLE", "expected an array at $", null, null,
                        null));
        assertThat((List<?>) e.get("skipped_tasks")).as("a failed task is not a skipped one").isEmpty();
    }

    @Test
    void aFailedTasksFieldIsNullWhileItStaysInTheSchema() {
        RecordAssembler assembler = assembler(List.of(SUMMARY, IAB, TITLE));
        Failure exhausted = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED, "503 five times in 2 minutes",
                "summary", SUMMARY.model(), 503, "server_error", "overloaded", "try later", "req-9", 5, 1L, 2L, null);

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                new TaskOutcome("summary", SUMMARY.model(), null, null, exhausted),
                success(IAB, new IabResult(List.of(), List.of(), List.of()), call("iab")),
                success(TITLE, new TextResult("Boots", "stop", false), call("title")))), NOW));

        GenericRecord results = EnrichedRecords.results(e);
        assertThat(results.hasField("summary")).as("the failed task keeps its field").isTrue();
        assertThat(results.get("summary")).as("and it is null").isNull();
        assertThat(results.get("iab")).isInstanceOf(dev.enricher.avro.IabResult.class);
        assertThat(results.get("title")).isEqualTo(new dev.enricher.avro.TextResult("Boots", "stop", false));
        assertThat(EnrichedRecords.answered(e)).containsExactly("iab", "title");
        assertThat(EnrichedRecords.failedTasks(e)).extracting(f -> EnrichedRecords.string(f, "task")).containsExactly("summary");
        assertThat((List<?>) e.get("skipped_tasks")).isEmpty();
    }

    @Test
    void aSkippedTaskIsListedWithWhyItsFieldIsNullAndItCostsNoCall() {
        RecordAssembler assembler = assembler(List.of(SUMMARY, IAB));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                TaskOutcome.skipped("summary", SUMMARY.model(), "its condition is false for this event (when: x)"),
                success(IAB, new IabResult(List.of(), List.of(), List.of()), call("iab")))), NOW));

        assertThat(EnrichedRecords.results(e).get("summary")).isNull();
        assertThat(EnrichedRecords.answered(e)).containsExactly("iab");
        @SuppressWarnings("unchecked")
        List<GenericRecord> skipped = (List<GenericRecord>) e.get("skipped_tasks");
        assertThat(skipped).singleElement().satisfies(k -> {
            assertThat(EnrichedRecords.string(k, "task")).isEqualTo("summary");
            assertThat(EnrichedRecords.string(k, "reason")).contains("when: x");
        });
        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> EnrichedRecords.string(c, "task"))
                .containsExactly("iab");
        assertThat(EnrichedRecords.failedTasks(e)).isEmpty();
    }

    // ---- enriched: redaction ----

    @Test
    void aSucceededRedactTaskReplacesTheText() {
        RecordAssembler assembler = assembler(List.of(PII_REDACT, SUMMARY));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                success(PII_REDACT, new PiiResult(List.of(new PiiEntity("Ann", "person", 5, 8, 0.99)),
                        Map.of("person", List.of("Ann")), REDACTED), call("redact")),
                success(SUMMARY, new TextResult("x", null, false), null))), NOW));

        assertThat(EnrichedRecords.string(e, "text")).isEqualTo(REDACTED);
        assertThat(e.get("text_redacted")).isEqualTo(true);
        assertThat(EnrichedRecords.result(e, "redact", dev.enricher.avro.PiiResult.class).getRedactedText())
                .isEqualTo(REDACTED);
    }

    @Test
    void anExtractOnlyPiiTaskKeepsTheText() {
        RecordAssembler assembler = assembler(List.of(PII));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(success(PII,
                new PiiResult(List.of(), Map.of(), null), call("pii")))), NOW));

        assertThat(EnrichedRecords.string(e, "text")).isEqualTo(TEXT);
        assertThat(e.get("text_redacted")).isEqualTo(false);
    }

    @Test
    void aFailedRedactTaskWithholdsTheText() {
        RecordAssembler assembler = assembler(List.of(PII_REDACT, SUMMARY));
        Failure failure = new Failure(DeadLetterCategory.API_RECORD_ERROR, "400 invalid body", "redact",
                PII_REDACT.model(), 400, "invalid_request_error", null, "bad", "req-1", 1, 1L, 1L, null);

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                new TaskOutcome("redact", PII_REDACT.model(), null, null, failure),
                success(SUMMARY, new TextResult("x", null, false), null))), NOW));

        assertThat(EnrichedRecords.string(e, "text")).isEqualTo("");
        assertThat(e.get("text_redacted")).isEqualTo(true);
        assertThat(EnrichedRecords.result(e, "redact")).isNull();
        assertThat(EnrichedRecords.failedTasks(e)).extracting(f -> EnrichedRecords.string(f, "task")).containsExactly("redact");
    }

    @Test
    void onlyTheFirstRedactTaskInTaskOrderReplacesTheText() {
        PiiTask second = new PiiTask("redact2", null, PiiUsecase.REDACT, null, 0.5, null);
        RecordAssembler assembler = assembler(List.of(PII_REDACT, second));

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(
                success(PII_REDACT, new PiiResult(List.of(), Map.of(), "first"), null),
                success(second, new PiiResult(List.of(), Map.of(), "second"), null))), NOW));

        assertThat(EnrichedRecords.string(e, "text")).isEqualTo("first");
        assertThat(EnrichedRecords.answered(e)).containsExactly("redact", "redact2");
        assertThat(EnrichedRecords.result(e, "redact2", dev.enricher.avro.PiiResult.class).getRedactedText())
                .isEqualTo("second");
    }

    // ---- dead letters ----

    @Test
    void aDecodeFailureDeadLettersTheExactInputWithKafkaAndProjectHeaders() {
        byte[] value = {(byte) 0xff, 0, 'x'};
        List<InputRecord.Header> headers = List.of(header("trace", "t-1"), new InputRecord.Header("empty", null),
                header("trace", "t-2"));
        InputRecord input = new InputRecord(key("k1"), value, headers, TIMESTAMP, "raw", 3, 42);
        Failure failure = Failure.of(DeadLetterCategory.DESERIALIZATION,
                "value is not UTF-8 JSON: fix the producer", "MalformedInputException", "Input length = 1");
        RecordAssembler assembler = assembler(List.of(SUMMARY));

        Record<byte[], byte[]> out = assembler.deadLetter(new FinishedEvent(input, null, List.of(), failure), NOW);

        assertThat(out.key()).isEqualTo(key("k1"));
        assertThat(out.timestamp()).isEqualTo(TIMESTAMP);
        assertThat(headerList(out)).containsExactly(entry("trace", "t-1"), entry("empty", null),
                entry("trace", "t-2"),
                entry(RecordAssembler.HEADER_EXCEPTION, "MalformedInputException"),
                entry(RecordAssembler.HEADER_MESSAGE, "value is not UTF-8 JSON: fix the producer"),
                entry(RecordAssembler.HEADER_TOPIC, "raw"),
                entry(RecordAssembler.HEADER_PARTITION, "3"),
                entry(RecordAssembler.HEADER_OFFSET, "42"),
                entry(RecordAssembler.HEADER_CATEGORY, "DESERIALIZATION"));

        DeadLetter d = readDeadLetter(out);
        assertThat(d.getKey()).isEqualTo(ByteBuffer.wrap(key("k1")));
        assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(value));
        assertThat(d.getSourceTopic()).isEqualTo("raw");
        assertThat(d.getSourcePartition()).isEqualTo(3);
        assertThat(d.getSourceOffset()).isEqualTo(42L);
        assertThat(d.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(TIMESTAMP));
        assertThat(d.getHeaders()).containsExactly(
                new dev.enricher.avro.Header("trace", ByteBuffer.wrap(utf8("t-1"))),
                new dev.enricher.avro.Header("empty", null),
                new dev.enricher.avro.Header("trace", ByteBuffer.wrap(utf8("t-2"))));
        assertThat(d.getCategory()).isEqualTo(DeadLetterCategory.DESERIALIZATION);
        assertThat(d.getReason()).isEqualTo("value is not UTF-8 JSON: fix the producer");
        assertThat(d.getErrorType()).isEqualTo("MalformedInputException");
        assertThat(d.getErrorMessage()).isEqualTo("Input length = 1");
        assertThat(Arrays.asList(d.getTask(), d.getModel(), d.getHttpStatus(), d.getErrorCode(), d.getRequestId(),
                d.getAttempts(), d.getFirstAttemptAt(), d.getLastAttemptAt(), d.getRawContent())).containsOnlyNulls();
        assertThat(d.getDeadLetteredAt()).isEqualTo(Instant.ofEpochMilli(NOW));
    }

    @Test
    void aNullValueAndNoErrorTypeUseTheCategoryAsTheExceptionHeader() {
        RecordAssembler assembler = assembler(List.of(SUMMARY));
        InputRecord input = new InputRecord(key("k"), null, List.of(), TIMESTAMP, "raw", 0, 7);

        Record<byte[], byte[]> out = assembler.deadLetter(new FinishedEvent(input, null, List.of(),
                Failure.of(DeadLetterCategory.VALIDATION, "null value: nothing to enrich", null, null)), NOW);

        assertThat(headerList(out)).contains(entry(RecordAssembler.HEADER_EXCEPTION, "VALIDATION"));
        assertThat(readDeadLetter(out).getValue()).isNull();
    }

    @Test
    void anApiFailureDeadLettersWithStatusAttemptsAndRequestId() {
        RecordAssembler assembler = assembler(List.of(IAB, SUMMARY));
        Failure failure = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED,
                "503 on all 5 attempts over 90 s: the API is overloaded; replay later", "summary", SUMMARY.model(),
                503, "server_error", "overloaded", "Service Unavailable", "req-abc", 5, TIMESTAMP + 10,
                TIMESTAMP + 90_000, null);
        List<TaskOutcome> outcomes = List.of(
                success(IAB, new IabResult(List.of(), List.of(), List.of()), call("iab")),
                new TaskOutcome("summary", SUMMARY.model(), null, null, failure));
        InputRecord input = input(key("k2"), List.of(header("h", "v")));

        Record<byte[], byte[]> out = assembler.deadLetter(new FinishedEvent(input, DecodedEvent.ofText(TEXT),
                outcomes, failure), NOW);

        assertThat(headerList(out)).containsExactly(entry("h", "v"),
                entry(RecordAssembler.HEADER_EXCEPTION, "server_error"),
                entry(RecordAssembler.HEADER_MESSAGE, failure.reason()),
                entry(RecordAssembler.HEADER_TOPIC, "raw"),
                entry(RecordAssembler.HEADER_PARTITION, "3"),
                entry(RecordAssembler.HEADER_OFFSET, "42"),
                entry(RecordAssembler.HEADER_CATEGORY, "API_RETRIES_EXHAUSTED"),
                entry(RecordAssembler.HEADER_HTTP_STATUS, "503"),
                entry(RecordAssembler.HEADER_ATTEMPTS, "5"),
                entry(RecordAssembler.HEADER_REQUEST_ID, "req-abc"));

        DeadLetter d = readDeadLetter(out);
        assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(input.value()));
        assertThat(d.getHeaders()).containsExactly(new dev.enricher.avro.Header("h", ByteBuffer.wrap(utf8("v"))));
        assertThat(d.getCategory()).isEqualTo(DeadLetterCategory.API_RETRIES_EXHAUSTED);
        assertThat(d.getTask()).isEqualTo("summary");
        assertThat(d.getModel()).isEqualTo(SUMMARY.model());
        assertThat(d.getHttpStatus()).isEqualTo(503);
        assertThat(d.getErrorType()).isEqualTo("server_error");
        assertThat(d.getErrorCode()).isEqualTo("overloaded");
        assertThat(d.getErrorMessage()).isEqualTo("Service Unavailable");
        assertThat(d.getRequestId()).isEqualTo("req-abc");
        assertThat(d.getAttempts()).isEqualTo(5);
        assertThat(d.getFirstAttemptAt()).isEqualTo(Instant.ofEpochMilli(TIMESTAMP + 10));
        assertThat(d.getLastAttemptAt()).isEqualTo(Instant.ofEpochMilli(TIMESTAMP + 90_000));
        assertThat(d.getRawContent()).isNull();
        assertThat(d.getDeadLetteredAt()).isEqualTo(Instant.ofEpochMilli(NOW));
    }

    @Test
    void anUnparseableAnswerKeepsTheRawContent() {
        RecordAssembler assembler = assembler(List.of(ZERO_SHOT));
        Failure failure = new Failure(DeadLetterCategory.RESPONSE_UNPARSEABLE, "expected an array at $.labels",
                "labels", ZERO_SHOT.model(), 200, null, null, null, "req-2", 1, TIMESTAMP, TIMESTAMP, "{\"labels\":3}");

        DeadLetter d = readDeadLetter(assembler.deadLetter(new FinishedEvent(input(key("k"), List.of()),
                DecodedEvent.ofText(TEXT), List.of(new TaskOutcome("labels", ZERO_SHOT.model(), null, null, failure)),
                failure), NOW));

        assertThat(d.getRawContent()).isEqualTo("{\"labels\":3}");
        assertThat(d.getHttpStatus()).isEqualTo(200);
    }

    @Test
    void aDeadLetterThatCannotBeSerializedNamesTopicAndCoordinatesNeverTheContent() {
        Serializer<DeadLetter> failing = (topic, data) -> {
            throw new SerdeException(SerdeException.Reason.REGISTRY_UNAVAILABLE, topic, "registry down");
        };
        RecordAssembler assembler = new RecordAssembler(ENRICHED, DLQ, List.of(SUMMARY), enrichedSerde.serializer(),
                failing);
        InputRecord input = new InputRecord(key("secret-key"), utf8("secret value"),
                List.of(header("secret-header", "secret")), TIMESTAMP, "raw", 3, 42);

        assertThatThrownBy(() -> assembler.deadLetter(new FinishedEvent(input, null, List.of(),
                Failure.of(DeadLetterCategory.VALIDATION, "no text field", null, null)), NOW))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(DLQ)
                .hasMessageContaining("raw-3@42")
                .hasMessageContaining("REGISTRY_UNAVAILABLE")
                .hasMessageNotContaining("secret");
    }

    // ---- misuse ----

    @Test
    void refusesMisuse() {
        RecordAssembler assembler = assembler(List.of(SUMMARY));
        FinishedEvent dead = new FinishedEvent(input(key("k"), List.of()), null, List.of(),
                Failure.of(DeadLetterCategory.VALIDATION, "no text", null, null));
        FinishedEvent fine = event(List.of(success(SUMMARY, new TextResult("x", null, false), null)));

        assertThatThrownBy(() -> assembler.enriched(dead, NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raw-3@42");
        assertThatThrownBy(() -> assembler.deadLetter(fine, NOW)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> assembler.enriched(event(List.of(
                success(IAB, new IabResult(List.of(), List.of(), List.of()), null))), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no task of that type");
        EnrichmentTask unknown = new EnrichmentTask() {
            @Override
            public String name() {
                return "custom";
            }

            @Override
            public String model() {
                return "m";
            }

            @Override
            public ChatRequest request(String text) {
                throw new UnsupportedOperationException();
            }

            @Override
            public TaskResult parse(ChatCompletion completion) {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> assembler(List.of(unknown))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'custom'");
    }

    // ---- cost ----

    @Test
    void everyCallCarriesItsCostTheRecordItsTotalAndADeadLetterWhatWasSpentOnIt() {
        RecordAssembler assembler = assembler(List.of(SUMMARY, ZERO_SHOT));
        CallInfo summaryCall = new CallInfo("c1", "r1", 1_000, 200, 50, 1, TIMESTAMP, TIMESTAMP);
        CallInfo refused = new CallInfo("c0", "r0", 1_000, 100, 50, 1, TIMESTAMP, TIMESTAMP);
        CallInfo noUsage = new CallInfo("c2", "r2", null, null, 50, 1, TIMESTAMP, TIMESTAMP);
        TaskOutcome summary = new TaskOutcome("summary", SUMMARY.model(), new TextResult("x", "stop", false),
                summaryCall, null, List.of(new EarlierCall(SUMMARY.model(), refused)));
        TaskOutcome labels = success(ZERO_SHOT, new ZeroShotResult(List.of(new ScoredLabel("sports", 0.9))), noUsage);

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(summary, labels)), NOW));

        double refusedCost = 1_000 * 0.02 / 1e6 + 100 * 0.05 / 1e6;
        double acceptedCost = 1_000 * 0.02 / 1e6 + 200 * 0.05 / 1e6;
        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> c.get("cost_usd"))
                .containsExactly(refusedCost, acceptedCost, null);
        assertThat((double) e.get("cost_usd")).isCloseTo(refusedCost + acceptedCost, within(1e-12));

        Failure failure = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED, "gave up", "labels",
                ZERO_SHOT.model(), 503, null, null, null, "r3", 4, TIMESTAMP, TIMESTAMP, null);
        DeadLetter d = readDeadLetter(assembler.deadLetter(new FinishedEvent(input(key("k"), List.of()),
                DecodedEvent.ofText(TEXT), List.of(summary, new TaskOutcome("labels", ZERO_SHOT.model(), null,
                new CallInfo(null, "r3", null, null, 0, 4, TIMESTAMP, TIMESTAMP), failure)), failure), NOW));
        assertThat(d.getCostUsd()).as("the summary's two answered calls; the failed task's unanswered attempts cost "
                + "nothing").isCloseTo(refusedCost + acceptedCost, within(1e-12));
        DeadLetter none = readDeadLetter(assembler.deadLetter(new FinishedEvent(input(key("k"), List.of()), null,
                List.of(), Failure.of(DeadLetterCategory.DESERIALIZATION, "not JSON", null, null)), NOW));
        assertThat(none.getCostUsd()).isNull();
    }

    @Test
    void aCachedAnswerShowsWhatItHadCostButTheRecordAndTheDeadLetterPayNothingForIt() {
        RecordAssembler assembler = assembler(List.of(SUMMARY, ZERO_SHOT));
        CallInfo paid = new CallInfo("c1", "r1", 1_000, 200, 50, 1, TIMESTAMP, TIMESTAMP);
        CallInfo cached = new CallInfo("c-orig", "r-orig", 2_000, 100, 0, 1, TIMESTAMP, TIMESTAMP, true);
        TaskOutcome summary = success(SUMMARY, new TextResult("x", "stop", false), paid);
        TaskOutcome labels = success(ZERO_SHOT, new ZeroShotResult(List.of(new ScoredLabel("sports", 0.9))), cached);

        GenericRecord e = readEnriched(assembler.enriched(event(List.of(summary, labels)), NOW));

        double paidCost = 1_000 * 0.02 / 1e6 + 200 * 0.05 / 1e6;
        double cachedCost = 2_000 * 0.02 / 1e6 + 100 * 0.05 / 1e6;
        assertThat(EnrichedRecords.modelCalls(e)).extracting(c -> c.get("cached"), c -> c.get("cost_usd"),
                c -> EnrichedRecords.string(c, "request_id")).containsExactly(tuple(false, paidCost, "r1"),
                tuple(true, cachedCost, "r-orig"));
        assertThat((double) e.get("cost_usd")).isCloseTo(paidCost, within(1e-12));

        Failure failure = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED, "gave up", "summary",
                SUMMARY.model(), 503, null, null, null, "r3", 4, TIMESTAMP, TIMESTAMP, null);
        DeadLetter d = readDeadLetter(assembler.deadLetter(new FinishedEvent(input(key("k"), List.of()),
                DecodedEvent.ofText(TEXT), List.of(new TaskOutcome("summary", SUMMARY.model(), null,
                new CallInfo(null, "r3", null, null, 0, 4, TIMESTAMP, TIMESTAMP), failure), labels), failure), NOW));
        assertThat(d.getCostUsd()).as("only a cached answer was had: nothing was spent").isEqualTo(0.0);
    }

    @Test
    void aConfiguredPriceIsTheOneCharged() {
        ModelCatalog catalog = ModelCatalog.defaults().with(new dev.enricher.client.ModelSpec(SUMMARY.model(), 131_072,
                1.0, 2.0));
        RecordAssembler assembler = new RecordAssembler(ENRICHED, DLQ, List.of(SUMMARY), enrichedSerde.serializer(),
                deadLetterSerde.serializer(), Privacy.NONE, catalog);
        GenericRecord e = readEnriched(assembler.enriched(event(List.of(success(SUMMARY,
                new TextResult("x", "stop", false), new CallInfo("c", "r", 1_000_000, 500_000, 5, 1, TIMESTAMP,
                        TIMESTAMP)))), NOW));
        assertThat((double) e.get("cost_usd")).isEqualTo(1.0 + 1.0);
    }

    // ---- privacy ----

    @Test
    void underPrivacyTheRecordHoldsTheRedactedTextPiiWithoutEntityTextsAndNoDroppedAttribute() {
        RecordAssembler assembler = new RecordAssembler(ENRICHED, DLQ, List.of(PII_REDACT, SUMMARY),
                enrichedSerde.serializer(), deadLetterSerde.serializer(),
                new Privacy("redact", List.of("email"), false, "a-key-of-at-least-16-bytes"), ModelCatalog.defaults());
        PiiResult pii = new PiiResult(List.of(new PiiEntity("Ann", "person", 5, 8, 0.99),
                new PiiEntity("555-0100", "phone", 12, 20, 0.9)),
                Map.of("person", List.of("Ann"), "phone", List.of("555-0100")), REDACTED);
        Record<byte[], byte[]> out = assembler.enriched(new FinishedEvent(input(key("k"), List.of()),
                new DecodedEvent(TEXT, "e-1", Map.of("email", "ann@example.com", "lang", "en")),
                List.of(success(PII_REDACT, pii, call("redact")),
                        success(SUMMARY, new TextResult("[PERSON] asks about boots.", "stop", false), call("summary"))),
                null), NOW);

        String bytes = new String(out.value(), StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain("Ann").doesNotContain("555-0100").doesNotContain("ann@example.com");
        GenericRecord e = readEnriched(out);
        assertThat(EnrichedRecords.string(e, "text")).isEqualTo(REDACTED);
        assertThat(strings(e.get("attributes"))).containsExactly(Map.entry("lang", "en"));
        dev.enricher.avro.PiiResult stored = EnrichedRecords.result(e, "redact", dev.enricher.avro.PiiResult.class);
        assertThat(stored.getEntitiesByLabel()).isEmpty();
        assertThat(stored.getEntities()).extracting(x -> x.getLabel() + ":" + x.getStart() + ".." + x.getEnd())
                .containsExactly("person:5..8", "phone:12..20");
        assertThat(stored.getEntities()).allSatisfy(x -> {
            assertThat(x.getText()).isNull();
            assertThat(x.getTextHmac()).matches("[0-9a-f]{64}");
        });
        assertThat(stored.getEntities().get(0).getTextHmac())
                .isEqualTo(new dev.enricher.tasks.EntityHasher("a-key-of-at-least-16-bytes").hash("Ann"));
    }

    @Test
    void deadLetterValueDropKeepsOnlyTheSourceCoordinates() {
        RecordAssembler assembler = new RecordAssembler(ENRICHED, DLQ, List.of(ZERO_SHOT), enrichedSerde.serializer(),
                deadLetterSerde.serializer(), new Privacy(null, List.of(), true, null), ModelCatalog.defaults());
        Failure failure = new Failure(DeadLetterCategory.RESPONSE_UNPARSEABLE, "expected an array at $.labels",
                "labels", ZERO_SHOT.model(), 200, null, null, null, "req-2", 1, TIMESTAMP, TIMESTAMP, "{\"Ann\":3}");
        Record<byte[], byte[]> out = assembler.deadLetter(new FinishedEvent(input(key("ann@example.com"),
                List.of(header("user", "Ann"))), DecodedEvent.ofText(TEXT), List.of(), failure), NOW);

        assertThat(out.key()).isNull();
        assertThat(out.headers().lastHeader("user")).isNull();
        assertThat(new String(out.headers().lastHeader(RecordAssembler.HEADER_VALUE_DROPPED).value(),
                StandardCharsets.UTF_8)).isEqualTo("true");
        DeadLetter d = readDeadLetter(out);
        assertThat(d.getKey()).isNull();
        assertThat(d.getValue()).isNull();
        assertThat(d.getHeaders()).isEmpty();
        assertThat(d.getRawContent()).isNull();
        assertThat(d.getSourceTopic()).isEqualTo("raw");
        assertThat(d.getSourcePartition()).isEqualTo(3);
        assertThat(d.getSourceOffset()).isEqualTo(42);
        assertThat(d.getReason()).isEqualTo("expected an array at $.labels");
    }

    // ---- helpers ----

    private RecordAssembler assembler(List<EnrichmentTask> tasks) {
        return new RecordAssembler(ENRICHED, DLQ, tasks, enrichedSerde.serializer(), deadLetterSerde.serializer());
    }

    private GenericRecord readEnriched(Record<byte[], byte[]> record) {
        return enrichedReader.deserialize(ENRICHED, record.value());
    }

    /** A record's fields by name, in field order, text as Java strings (however the reader gives them). */
    private static Map<String, Object> fields(GenericRecord record) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            m.put(f.name(), v instanceof CharSequence c ? c.toString() : v);
        }
        return m;
    }

    /** An Avro map of strings with Java string keys and values. */
    private static Map<String, String> strings(Object avroMap) {
        Map<String, String> m = new LinkedHashMap<>();
        ((Map<?, ?>) avroMap).forEach((k, v) -> m.put(k.toString(), v == null ? null : v.toString()));
        return m;
    }

    /** A {@code failed_tasks} entry as {@link #fields} gives it. */
    private static Map<String, Object> failure(String task, String model, String category, String reason,
                                               Integer httpStatus, Integer attempts, String requestId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("model", model);
        m.put("category", category);
        m.put("reason", reason);
        m.put("http_status", httpStatus);
        m.put("attempts", attempts);
        m.put("request_id", requestId);
        return m;
    }

    private DeadLetter readDeadLetter(Record<byte[], byte[]> record) {
        return deadLetterSerde.deserializer().deserialize(DLQ, record.value());
    }

    private static FinishedEvent event(List<TaskOutcome> outcomes) {
        return new FinishedEvent(input(key("k"), List.of()), DecodedEvent.ofText(TEXT), outcomes, null);
    }

    private static InputRecord input(byte[] key, List<InputRecord.Header> headers) {
        return new InputRecord(key, utf8("{\"text\":\"" + TEXT + "\"}"), headers, TIMESTAMP, "raw", 3, 42);
    }

    private static TaskOutcome success(EnrichmentTask task, TaskResult result, CallInfo call) {
        return new TaskOutcome(task.name(), task.model(), result, call, null);
    }

    private static CallInfo call(String task) {
        return new CallInfo("cmpl-" + task, "req-" + task, 120, null, 85, 2, TIMESTAMP + 1, TIMESTAMP + 2);
    }

    private static InputRecord.Header header(String key, String value) {
        return new InputRecord.Header(key, utf8(value));
    }

    private static List<Map.Entry<String, String>> headerList(Record<byte[], byte[]> record) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Header h : record.headers()) {
            out.add(new java.util.AbstractMap.SimpleEntry<>(h.key(),
                    h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static Map<String, List<String>> linked(String k1, List<String> v1, String k2, List<String> v2) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static byte[] key(String s) {
        return utf8(s);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
