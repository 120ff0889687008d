package dev.enricher.topology;

import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.Usage;
import dev.enricher.engine.CallInfo;
import dev.enricher.engine.EarlierCall;
import dev.enricher.engine.EventSink;
import dev.enricher.engine.Failure;
import dev.enricher.engine.FinishedEvent;
import dev.enricher.engine.InputRecord;
import dev.enricher.engine.TaskOutcome;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.EntityHasher;
import dev.enricher.tasks.PiiResult;
import dev.enricher.tasks.TaskType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The {@link EventSink} of the pipeline: turns finished events into the enriched record or the dead letter, both
 * with the input's key, timestamp and headers (order and repeated keys kept).
 *
 * <p><b>Results.</b> The record is of the configuration's {@link OutputSchema}: each task's result goes to the field
 * of its name in {@code results}, in the Avro form its {@link TaskType} gives; a task that failed (partial results)
 * leaves its field null. Nothing here knows the types themselves.
 *
 * <p><b>Redaction.</b> No option says that a task's redacted text replaces the event's text, so the rule is: the
 * first task in task order whose type {@linkplain TaskType#redacts redacts} (a PII task of usecase {@code redact})
 * is the redactor. When it succeeded, {@code text} is its redacted text and {@code text_redacted} is true.
 * When it failed (an event published with partial results), the text is withheld: {@code text} is empty,
 * {@code text_redacted} is true and the failure is in {@code failed_tasks}, so the original text never reaches
 * the enriched topic.
 *
 * <p><b>Dead-letter headers.</b> After the input's own headers come the headers Kafka Streams' own dead-letter queue
 * writes (KIP-1034, {@code ExceptionHandlerUtils} in Kafka 4.4), so tools made for those work here too, all UTF-8
 * text as Kafka writes them: {@link #HEADER_EXCEPTION} (the failure's error type, or the category when it has none),
 * {@link #HEADER_MESSAGE} (the reason), {@link #HEADER_TOPIC}, {@link #HEADER_PARTITION} and {@link #HEADER_OFFSET}
 * (decimal). Kafka's {@code __streams.errors.stacktrace} is left out: these failures are not exceptions of this
 * process, and a stack trace tells the record's owner nothing. Then this project's: {@link #HEADER_CATEGORY},
 * {@link #HEADER_HTTP_STATUS}, {@link #HEADER_ATTEMPTS} and {@link #HEADER_REQUEST_ID}, each absent when its value is
 * null.
 *
 * <p>Immutable and thread-safe (one instance serves every stream thread, given thread-safe serializers such as
 * {@link dev.enricher.serde.AvroSerializer}); called on stream threads; never blocks beyond what the serializers do
 * (a schema registry call on the first record of each schema, cached after).
 */
public final class RecordAssembler implements EventSink {
    /** Kafka Streams' DLQ header: the exception class there; here the failure's error type, else its category. */
    public static final String HEADER_EXCEPTION = "__streams.errors.exception";
    /** Kafka Streams' DLQ header: the exception message there; here the failure's reason. */
    public static final String HEADER_MESSAGE = "__streams.errors.message";
    /** Kafka Streams' DLQ header: the input record's topic. */
    public static final String HEADER_TOPIC = "__streams.errors.topic";
    /** Kafka Streams' DLQ header: the input record's partition, as decimal text. */
    public static final String HEADER_PARTITION = "__streams.errors.partition";
    /** Kafka Streams' DLQ header: the input record's offset, as decimal text. */
    public static final String HEADER_OFFSET = "__streams.errors.offset";
    /** The dead-letter category, a {@link dev.enricher.avro.DeadLetterCategory} symbol. */
    public static final String HEADER_CATEGORY = "enricher.dlq.category";
    /** The HTTP status of the last attempt, as decimal text; absent when there was no HTTP answer. */
    public static final String HEADER_HTTP_STATUS = "enricher.dlq.http-status";
    /** API attempts made, as decimal text; absent when the API was never called. */
    public static final String HEADER_ATTEMPTS = "enricher.dlq.attempts";
    /** The API request id of the last attempt; absent when none. */
    public static final String HEADER_REQUEST_ID = "enricher.dlq.request-id";
    /**
     * {@code true} on a dead letter written under {@code privacy.dead-letter-value: drop}: it holds no key, value or
     * headers, and a replay re-reads the input from its source coordinates.
     */
    public static final String HEADER_VALUE_DROPPED = "enricher.dlq.value-dropped";

    private final String enrichedTopic;
    private final String deadLetterTopic;
    private final Serializer<GenericRecord> enrichedSerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    /** Each configured task's type, by task name: the Avro form of its results. */
    private final Map<String, TaskType> types;
    /** The enriched record's schema and its {@code results} record's, derived from the tasks. */
    private final Schema schema;
    private final Schema resultsSchema;
    /** The name of the task whose redacted text replaces the text; null when none redacts. */
    private final String redactor;
    /** What is kept out of the outputs. */
    private final Privacy privacy;
    /** The models' prices, for each call's cost. */
    private final ModelCatalog prices;
    /** The keyed hash kept per PII entity under privacy; null for none. */
    private final EntityHasher hasher;

    /**
     * The value schema of the enriched topic for a configuration's tasks: what the service registers at start and
     * what a consumer generates its classes from ({@link OutputSchema#of}).
     */
    public static Schema enrichedSchema(List<? extends EnrichmentTask> tasks) {
        return OutputSchema.of(tasks);
    }

    /** The assembler of a pipeline: its topics and tasks, Avro through {@code registry} as {@code settings.serde()} says. */
    static RecordAssembler create(PipelineSettings settings, dev.enricher.serde.SchemaRegistry registry) {
        return new RecordAssembler(settings.enrichedTopic(), settings.deadLetterTopic(), settings.tasks(),
                dev.enricher.serde.AvroSerdes.generic(registry, settings.serde()).serializer(),
                dev.enricher.serde.AvroSerdes.specific(DeadLetter.class, registry, settings.serde()).serializer(),
                settings.privacy(), settings.catalog());
    }

    /**
     * @param enrichedTopic        the enriched topic (names the schema subject)
     * @param deadLetterTopic      the dead-letter topic (names the schema subject)
     * @param tasks                the pipeline's tasks, in task order, names unique; each built by a registered
     *                             {@link TaskType}
     * @param enrichedSerializer   the value serializer of the enriched topic, configured (isKey false)
     * @param deadLetterSerializer the value serializer of the dead-letter topic, configured (isKey false)
     * @throws IllegalArgumentException when a task is of no registered type, or two tasks share a name
     */
    public RecordAssembler(String enrichedTopic, String deadLetterTopic, List<? extends EnrichmentTask> tasks,
                           Serializer<GenericRecord> enrichedSerializer, Serializer<DeadLetter> deadLetterSerializer) {
        this(enrichedTopic, deadLetterTopic, tasks, enrichedSerializer, deadLetterSerializer, Privacy.NONE,
                ModelCatalog.defaults());
    }

    /**
     * As above, keeping out of the outputs what {@code privacy} says: with {@link Privacy#redactWith} the text is
     * that task's redacted text and PII results carry no entity text (a keyed hash instead, with a key); the
     * attributes it drops are not written; with {@link Privacy#dropDeadLetterValue} a dead letter keeps only the
     * input's coordinates.
     *
     * @param prices the models' prices per million tokens, for each call's cost
     * @throws IllegalArgumentException also when the entity hash key is too short (the message never quotes it)
     */
    public RecordAssembler(String enrichedTopic, String deadLetterTopic, List<? extends EnrichmentTask> tasks,
                           Serializer<GenericRecord> enrichedSerializer, Serializer<DeadLetter> deadLetterSerializer,
                           Privacy privacy, ModelCatalog prices) {
        this.privacy = Objects.requireNonNull(privacy, "privacy");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.hasher = privacy.entityHashKey() == null ? null : new EntityHasher(privacy.entityHashKey());
        this.enrichedTopic = Objects.requireNonNull(enrichedTopic, "enrichedTopic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.enrichedSerializer = Objects.requireNonNull(enrichedSerializer, "enrichedSerializer");
        this.deadLetterSerializer = Objects.requireNonNull(deadLetterSerializer, "deadLetterSerializer");
        this.schema = OutputSchema.of(tasks); // refuses a name used twice
        this.resultsSchema = schema.getField(OutputSchema.RESULTS).schema();
        Map<String, TaskType> byName = new HashMap<>();
        String redacting = null;
        for (EnrichmentTask task : tasks) {
            TaskType type = TaskType.of(task);
            byName.put(task.name(), type);
            if (redacting == null && type.redacts(task)) {
                redacting = task.name();
            }
        }
        this.types = Map.copyOf(byName);
        this.redactor = privacy.redacts() ? privacy.redactWith() : redacting;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Results go into their task's field of {@code results}; failed tasks (partial results) into
     * {@code failed_tasks}; one {@code model_calls} entry per successful task that called the API.
     *
     * @throws IllegalArgumentException when the event is dead-lettered, or a result's type has no configured task
     *                                  (both engine bugs)
     * @throws SerdeException           when the value cannot be serialized
     */
    @Override
    public Record<byte[], byte[]> enriched(FinishedEvent event, long nowMillis) {
        if (event.deadLettered()) {
            throw new IllegalArgumentException("event " + event.input().coordinates() + " is dead-lettered ("
                    + event.failure().category() + "), not enriched");
        }
        InputRecord input = event.input();
        DecodedEvent decoded = event.event();
        GenericData.Record results = new GenericData.Record(resultsSchema);
        List<GenericRecord> calls = new ArrayList<>();
        List<GenericRecord> failures = new ArrayList<>();
        String redactedText = null;
        List<GenericRecord> skipped = new ArrayList<>();
        List<GenericRecord> longInputs = new ArrayList<>();
        for (TaskOutcome outcome : event.outcomes()) {
            if (outcome.wasSkipped()) {
                GenericData.Record r = new GenericData.Record(itemSchema("skipped_tasks"));
                r.put("task", outcome.task());
                r.put("reason", outcome.skipped());
                skipped.add(r);
                continue;
            }
            if (outcome.longInput() != null) {
                longInputs.add(longInput(outcome));
            }
            if (!outcome.succeeded()) {
                failures.add(taskFailure(outcome));
                addRefusedCalls(outcome, calls);
                addPieceCalls(outcome, calls);
                if (outcome.call() != null && outcome.failure().rawContent() != null) {
                    calls.add(modelCall(outcome.task(), outcome.model(), outcome.call(), false));
                }
                continue;
            }
            TaskType type = types.get(outcome.task());
            if (type == null) {
                throw new IllegalArgumentException("task " + outcome.task() + " returned a "
                        + outcome.result().getClass().getSimpleName()
                        + " but no task of that type is configured under that name");
            }
            if (outcome.task().equals(redactor)) {
                redactedText = type.redactedText(outcome.result());
            }
            results.put(outcome.task(), type.toAvro(private_(outcome.result())));
            addRefusedCalls(outcome, calls);
            addPieceCalls(outcome, calls);
            if (outcome.call() != null) {
                calls.add(modelCall(outcome.task(), outcome.model(), outcome.call(), true));
            }
        }
        // With a redactor the original text never goes out: the redacted text, or nothing when redaction failed.
        String text = redactor == null ? decoded.text() : Objects.requireNonNullElse(redactedText, "");
        GenericData.Record value = new GenericData.Record(schema);
        value.put("id", decoded.id());
        value.put("source_topic", input.topic());
        value.put("source_partition", input.partition());
        value.put("source_offset", input.offset());
        value.put("source_timestamp", Instant.ofEpochMilli(input.timestamp()));
        value.put("text", text);
        value.put("text_redacted", redactor != null);
        value.put("attributes", attributes(decoded.attributes()));
        value.put(OutputSchema.RESULTS, results);
        value.put("model_calls", calls);
        value.put("failed_tasks", failures);
        value.put("skipped_tasks", skipped);
        value.put("long_inputs", longInputs);
        value.put("cost_usd", total(calls));
        value.put("enriched_at", Instant.ofEpochMilli(nowMillis));
        byte[] bytes = enrichedSerializer.serialize(enrichedTopic, value);
        return new Record<>(input.key(), bytes, input.timestamp(), inputHeaders(input));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the event has no failure (an engine bug)
     * @throws IllegalStateException    when the dead letter cannot be serialized (a bug or a registry that refuses
     *                                  the schema); the message names the topic and the input's coordinates only
     */
    @Override
    public Record<byte[], byte[]> deadLetter(FinishedEvent event, long nowMillis) {
        Failure failure = event.failure();
        if (failure == null) {
            throw new IllegalArgumentException("event " + event.input().coordinates() + " has no failure to dead-letter");
        }
        InputRecord input = event.input();
        boolean keep = !privacy.dropDeadLetterValue();
        List<dev.enricher.avro.Header> originalHeaders = new ArrayList<>(input.headers().size());
        for (InputRecord.Header h : keep ? input.headers() : List.<InputRecord.Header>of()) {
            originalHeaders.add(new dev.enricher.avro.Header(h.key(), bytes(h.value())));
        }
        DeadLetter value = DeadLetter.newBuilder()
                .setKey(keep ? bytes(input.key()) : null)
                .setValue(keep ? bytes(input.value()) : null)
                .setSourceTopic(input.topic())
                .setSourcePartition(input.partition())
                .setSourceOffset(input.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(input.timestamp()))
                .setHeaders(originalHeaders)
                .setCategory(failure.category())
                .setReason(failure.reason())
                .setTask(failure.task())
                .setModel(failure.model())
                .setHttpStatus(failure.httpStatus())
                .setErrorType(failure.errorType())
                .setErrorCode(failure.errorCode())
                .setErrorMessage(failure.errorMessage())
                .setRequestId(failure.requestId())
                .setAttempts(failure.attempts())
                .setFirstAttemptAt(instant(failure.firstAttemptAt()))
                .setLastAttemptAt(instant(failure.lastAttemptAt()))
                .setRawContent(keep ? failure.rawContent() : null)
                .setCostUsd(spent(event.outcomes()))
                .setDeadLetteredAt(Instant.ofEpochMilli(nowMillis))
                .build();
        byte[] bytes;
        try {
            bytes = deadLetterSerializer.serialize(deadLetterTopic, value);
        } catch (RuntimeException e) {
            // Nowhere left to send this record: fail loudly. Serde messages never quote payloads; neither does this.
            String why = e instanceof SerdeException s ? s.reason().name() : e.getClass().getName();
            throw new IllegalStateException("cannot serialize the dead letter for topic " + deadLetterTopic
                    + " of input " + input.coordinates() + " (" + why + ")", e);
        }
        Headers headers = keep ? inputHeaders(input) : new RecordHeaders();
        addText(headers, HEADER_EXCEPTION,
                failure.errorType() != null ? failure.errorType() : failure.category().name());
        addText(headers, HEADER_MESSAGE, failure.reason());
        addText(headers, HEADER_TOPIC, input.topic());
        addText(headers, HEADER_PARTITION, String.valueOf(input.partition()));
        addText(headers, HEADER_OFFSET, String.valueOf(input.offset()));
        addText(headers, HEADER_CATEGORY, failure.category().name());
        addText(headers, HEADER_HTTP_STATUS, failure.httpStatus());
        addText(headers, HEADER_ATTEMPTS, failure.attempts());
        addText(headers, HEADER_REQUEST_ID, failure.requestId());
        if (!keep) {
            addText(headers, HEADER_VALUE_DROPPED, "true");
        }
        return new Record<>(keep ? input.key() : null, bytes, input.timestamp(), headers);
    }

    private GenericRecord taskFailure(TaskOutcome outcome) {
        Failure f = outcome.failure();
        GenericData.Record r = new GenericData.Record(itemSchema("failed_tasks"));
        r.put("task", outcome.task());
        r.put("model", outcome.model());
        r.put("category", f.category().name());
        r.put("reason", f.reason());
        r.put("http_status", f.httpStatus());
        r.put("attempts", f.attempts());
        r.put("request_id", f.requestId());
        return r;
    }

    /** {@code result} as the record may carry it: under privacy, a PII result without entity texts. */
    private dev.enricher.tasks.TaskResult private_(dev.enricher.tasks.TaskResult result) {
        return privacy.redacts() && result instanceof PiiResult pii ? pii.withoutRawText(hasher) : result;
    }

    /** The event's attributes without those privacy drops. */
    private Map<String, String> attributes(Map<String, String> attributes) {
        if (privacy.dropAttributes().isEmpty() || attributes == null) {
            return attributes;
        }
        Map<String, String> kept = new java.util.LinkedHashMap<>(attributes);
        kept.keySet().removeAll(privacy.dropAttributes());
        return kept;
    }

    private GenericRecord longInput(TaskOutcome outcome) {
        GenericData.Record r = new GenericData.Record(itemSchema("long_inputs"));
        r.put("task", outcome.task());
        r.put("handling", outcome.longInput().handling());
        r.put("pieces", outcome.longInput().pieces());
        r.put("input_length", outcome.longInput().inputLength());
        r.put("kept_length", outcome.longInput().keptLength());
        return r;
    }

    /** The calls that answered the pieces of a chunked input: accepted, each with its piece. */
    private void addPieceCalls(TaskOutcome outcome, List<GenericRecord> calls) {
        for (EarlierCall piece : outcome.pieces()) {
            calls.add(modelCall(outcome.task(), piece.model(), piece.call(), true, piece.piece()));
        }
    }

    private GenericRecord modelCall(String task, String model, CallInfo call, boolean accepted) {
        return modelCall(task, model, call, accepted, null);
    }

    private GenericRecord modelCall(String task, String model, CallInfo call, boolean accepted, Integer piece) {
        GenericData.Record r = new GenericData.Record(itemSchema("model_calls"));
        r.put("task", task);
        r.put("model", model);
        r.put("completion_id", call.completionId());
        r.put("request_id", call.requestId());
        r.put("prompt_tokens", call.promptTokens());
        r.put("completion_tokens", call.completionTokens());
        r.put("latency_ms", call.latencyMs());
        r.put("attempts", call.attempts());
        r.put("accepted", accepted);
        r.put("piece", piece);
        r.put("cost_usd", cost(model, call));
        r.put("cached", call.cached());
        return r;
    }

    /** A call's cost at its model's prices; null when the API reported no usage or the price is unknown. */
    private Double cost(String model, CallInfo call) {
        if (call.promptTokens() == null && call.completionTokens() == null) {
            return null;
        }
        return prices.find(model).map(spec -> spec.costUsd(new Usage(
                call.promptTokens() == null ? 0 : call.promptTokens(),
                call.completionTokens() == null ? 0 : call.completionTokens(), 0))).orElse(null);
    }

    /** The sum of the calls' costs (a call without a known cost counts nothing). */
    private static double total(List<GenericRecord> calls) {
        double sum = 0;
        for (GenericRecord c : calls) {
            if (c.get("cost_usd") instanceof Double d && !Boolean.TRUE.equals(c.get("cached"))) {
                sum += d;
            }
        }
        return sum;
    }

    /** What the answered calls of a dead-lettered event cost; null when none was answered at a known price. */
    private Double spent(List<TaskOutcome> outcomes) {
        Double sum = null;
        for (TaskOutcome o : outcomes) {
            List<EarlierCall> calls = new ArrayList<>(o.earlier());
            calls.addAll(o.pieces());
            if (o.call() != null && (o.succeeded() || o.failure().rawContent() != null)) {
                calls.add(new EarlierCall(o.model(), o.call()));
            }
            for (EarlierCall c : calls) {
                Double cost = cost(c.model(), c.call());
                if (cost != null) {
                    sum = (sum == null ? 0 : sum) + (c.call().cached() ? 0 : cost);
                }
            }
        }
        return sum;
    }

    /** The calls whose answers the task refused: paid for all the same, so accounted (not accepted). */
    private void addRefusedCalls(TaskOutcome outcome, List<GenericRecord> calls) {
        for (EarlierCall earlier : outcome.earlier()) {
            calls.add(modelCall(outcome.task(), earlier.model(), earlier.call(), false));
        }
    }

    /** The record type of the envelope's array field {@code field}. */
    private Schema itemSchema(String field) {
        return schema.getField(field).schema().getElementType();
    }

    /** The schema of the records this assembler writes: the configuration's {@link OutputSchema}. */
    public Schema schema() {
        return schema;
    }

    /** A fresh, writable copy of the input's headers: Kafka Streams may add to a forwarded record's headers. */
    private static Headers inputHeaders(InputRecord input) {
        RecordHeaders headers = new RecordHeaders();
        for (InputRecord.Header h : input.headers()) {
            headers.add(h.key(), h.value());
        }
        return headers;
    }

    /** Adds {@code value} as UTF-8 text, as Kafka's {@code StringSerializer} writes it; nothing when null. */
    private static void addText(Headers headers, String key, Object value) {
        if (value != null) {
            headers.add(key, value.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static ByteBuffer bytes(byte[] b) {
        return b == null ? null : ByteBuffer.wrap(b);
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
