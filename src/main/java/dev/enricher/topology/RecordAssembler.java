package dev.enricher.topology;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.avro.ModelCall;
import dev.enricher.avro.TaskFailure;
import dev.enricher.engine.CallInfo;
import dev.enricher.engine.EventSink;
import dev.enricher.engine.Failure;
import dev.enricher.engine.FinishedEvent;
import dev.enricher.engine.InputRecord;
import dev.enricher.engine.TaskOutcome;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The {@link EventSink} of the pipeline: turns finished events into the enriched record or the dead letter, both
 * with the input's key, timestamp and headers (order and repeated keys kept).
 *
 * <p><b>Results.</b> Each task's {@link TaskType} names the field its results go to (a map from task name to result)
 * and gives each result's Avro form; the fields of types with no configured task are null. Nothing here knows the
 * types themselves.
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

    private final String enrichedTopic;
    private final String deadLetterTopic;
    private final Serializer<EnrichedEvent> enrichedSerializer;
    private final Serializer<DeadLetter> deadLetterSerializer;
    /** Each configured task's type, by task name: where its result goes and in what form. */
    private final Map<String, TaskType> types;
    /** The result fields of the configured types: present in every record (possibly empty), the others null. */
    private final Set<String> resultFields;
    /** The name of the task whose redacted text replaces the text; null when none redacts. */
    private final String redactor;

    /**
     * The value schema of the enriched topic for a configuration's tasks: what the service registers at start and
     * what a consumer generates its classes from. Every configuration publishes {@code EnrichedEvent} today (a field
     * per task type, each a map by task name; the types a configuration lacks stay null).
     */
    public static org.apache.avro.Schema enrichedSchema(List<EnrichmentTask> tasks) {
        for (EnrichmentTask task : tasks) {
            TaskType type = TaskType.of(task);
            if (EnrichedEvent.getClassSchema().getField(type.resultField()) == null) {
                throw new IllegalArgumentException("task '" + task.name() + "' is of type " + type + ", whose results"
                        + " go to field '" + type.resultField() + "', which the enriched record does not have");
            }
        }
        return EnrichedEvent.getClassSchema();
    }

    /** The assembler of a pipeline: its topics and tasks, Avro through {@code registry} as {@code settings.serde()} says. */
    static RecordAssembler create(PipelineSettings settings, dev.enricher.serde.SchemaRegistry registry) {
        return new RecordAssembler(settings.enrichedTopic(), settings.deadLetterTopic(), settings.tasks(),
                dev.enricher.serde.AvroSerdes.specific(EnrichedEvent.class, registry, settings.serde()).serializer(),
                dev.enricher.serde.AvroSerdes.specific(DeadLetter.class, registry, settings.serde()).serializer());
    }

    /**
     * @param enrichedTopic        the enriched topic (names the schema subject)
     * @param deadLetterTopic      the dead-letter topic (names the schema subject)
     * @param tasks                the pipeline's tasks, in task order, names unique; each built by a registered
     *                             {@link TaskType}
     * @param enrichedSerializer   the value serializer of the enriched topic, configured (isKey false)
     * @param deadLetterSerializer the value serializer of the dead-letter topic, configured (isKey false)
     * @throws IllegalArgumentException when a task is of no registered type, its type names no field of the
     *                                  enriched record, or two tasks share a name
     */
    public RecordAssembler(String enrichedTopic, String deadLetterTopic, List<? extends EnrichmentTask> tasks,
                           Serializer<EnrichedEvent> enrichedSerializer, Serializer<DeadLetter> deadLetterSerializer) {
        this.enrichedTopic = Objects.requireNonNull(enrichedTopic, "enrichedTopic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.enrichedSerializer = Objects.requireNonNull(enrichedSerializer, "enrichedSerializer");
        this.deadLetterSerializer = Objects.requireNonNull(deadLetterSerializer, "deadLetterSerializer");
        enrichedSchema(List.copyOf(tasks)); // every task's results have their field
        Map<String, TaskType> byName = new HashMap<>();
        Set<String> fields = new LinkedHashSet<>();
        String redacting = null;
        for (EnrichmentTask task : tasks) {
            TaskType type = TaskType.of(task);
            if (byName.put(task.name(), type) != null) {
                throw new IllegalArgumentException("task name '" + task.name() + "' is used twice");
            }
            fields.add(type.resultField());
            if (redacting == null && type.redacts(task)) {
                redacting = task.name();
            }
        }
        this.types = Map.copyOf(byName);
        this.resultFields = Set.copyOf(fields);
        this.redactor = redacting;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Results go into their type's map keyed by task name; failed tasks (partial results) into
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
        Map<String, Map<String, Object>> results = new HashMap<>();
        for (String field : resultFields) {
            results.put(field, new LinkedHashMap<>());
        }
        List<ModelCall> calls = new ArrayList<>();
        List<TaskFailure> failures = new ArrayList<>();
        String redactedText = null;
        for (TaskOutcome outcome : event.outcomes()) {
            if (!outcome.succeeded()) {
                failures.add(taskFailure(outcome));
                continue;
            }
            TaskType type = types.get(outcome.task());
            if (type == null) {
                throw new IllegalArgumentException("task " + outcome.task() + " returned a "
                        + outcome.result().getClass().getSimpleName()
                        + " but no task of that type is configured under that name");
            }
            results.get(type.resultField()).put(outcome.task(), type.toAvro(outcome.result()));
            if (outcome.call() != null) {
                calls.add(modelCall(outcome.task(), outcome.model(), outcome.call()));
            }
            if (outcome.task().equals(redactor)) {
                redactedText = type.redactedText(outcome.result());
            }
        }
        // With a redactor the original text never goes out: the redacted text, or nothing when redaction failed.
        String text = redactor == null ? decoded.text() : Objects.requireNonNullElse(redactedText, "");
        EnrichedEvent value = EnrichedEvent.newBuilder()
                .setId(decoded.id())
                .setSourceTopic(input.topic())
                .setSourcePartition(input.partition())
                .setSourceOffset(input.offset())
                .setSourceTimestamp(Instant.ofEpochMilli(input.timestamp()))
                .setText(text)
                .setTextRedacted(redactor != null)
                .setAttributes(decoded.attributes())
                .setModelCalls(calls)
                .setFailedTasks(failures)
                .setEnrichedAt(Instant.ofEpochMilli(nowMillis))
                .build();
        // The result fields by name: the builder's result setters are one per type, and types are not known here.
        results.forEach(value::put);
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
        List<dev.enricher.avro.Header> originalHeaders = new ArrayList<>(input.headers().size());
        for (InputRecord.Header h : input.headers()) {
            originalHeaders.add(new dev.enricher.avro.Header(h.key(), bytes(h.value())));
        }
        DeadLetter value = DeadLetter.newBuilder()
                .setKey(bytes(input.key()))
                .setValue(bytes(input.value()))
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
                .setRawContent(failure.rawContent())
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
        Headers headers = inputHeaders(input);
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
        return new Record<>(input.key(), bytes, input.timestamp(), headers);
    }

    private static TaskFailure taskFailure(TaskOutcome outcome) {
        Failure f = outcome.failure();
        return TaskFailure.newBuilder()
                .setTask(outcome.task())
                .setModel(outcome.model())
                .setCategory(f.category().name())
                .setReason(f.reason())
                .setHttpStatus(f.httpStatus())
                .setAttempts(f.attempts())
                .setRequestId(f.requestId())
                .build();
    }

    private static ModelCall modelCall(String task, String model, CallInfo call) {
        return ModelCall.newBuilder()
                .setTask(task)
                .setModel(model)
                .setCompletionId(call.completionId())
                .setRequestId(call.requestId())
                .setPromptTokens(call.promptTokens())
                .setCompletionTokens(call.completionTokens())
                .setLatencyMs(call.latencyMs())
                .setAttempts(call.attempts())
                .build();
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
