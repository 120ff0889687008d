package dev.enricher.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Usage;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskResult;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.topology.OutputSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;

/**
 * What every benchmark contender reads and writes, so that all of them do the same work per event: the JSON input
 * event ({@code {"id", "text", "attributes"}}) in, one {@code iab} task (the same request bytes through
 * {@link dev.enricher.client.ChatWire}), and an Avro enriched record ({@link #SCHEMA}) out in the registry wire format (magic
 * byte, 4-byte schema id, Avro binary), with the same field mapping as the pipeline's ({@link TaskType#toAvro}).
 *
 * <p>Vert.x-free on purpose: the Parallel Consumer peer compiles this class next to Vert.x 4. Thread-safe.
 */
public final class PeerRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The enriched record's schema for the one task every contender runs. */
    public static final Schema SCHEMA = OutputSchema.of(List.of(task()));
    private static final GenericDatumWriter<GenericRecord> WRITER = new GenericDatumWriter<>(SCHEMA, SpecificData.get());

    static {
        // The builder reads the schema's default values through Avro's class loading, which trusts no class by
        // default: trust the generated ones, as the pipeline's serdes do.
        GeneratedClassTrust.install();
    }

    private PeerRecords() {
    }

    /** The one task every contender runs on every event: {@code iab} with its default model. */
    public static EnrichmentTask task() {
        return TaskFactory.create(new TaskSpec(null, TaskType.IAB, null, Map.of()));
    }

    /** A decoded input event. */
    public record Input(String id, String text, Map<String, String> attributes) {
    }

    /**
     * @throws IllegalArgumentException when the value is not a JSON object with a non-blank string {@code text}; the
     *         message never quotes the value
     */
    public static Input input(byte[] value) {
        JsonNode node;
        try {
            node = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("the value is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the value is not a JSON object");
        }
        JsonNode text = node.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new IllegalArgumentException("the value has no non-blank string field 'text'");
        }
        JsonNode id = node.get("id");
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode attrs = node.get("attributes");
        if (attrs != null && attrs.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        return new Input(id != null && id.isValueNode() ? id.asText() : null, text.asText(), attributes);
    }

    /**
     * The enriched record of one input, serialized with {@code schemaId} in its header.
     *
     * @param result     the task's parsed result, or null for a passthrough (no task ran)
     * @param completion the answer {@code result} came from, or null for a passthrough
     */
    public static byte[] enriched(int schemaId, String topic, int partition, long offset, long timestamp, Input input,
                                  EnrichmentTask task, TaskResult result, ChatCompletion completion) {
        List<GenericRecord> calls = List.of();
        if (result != null) {
            Usage usage = completion.usage();
            boolean counted = usage != Usage.NONE;
            GenericData.Record call = new GenericData.Record(SCHEMA.getField("model_calls").schema().getElementType());
            call.put("task", task.name());
            call.put("model", task.model());
            call.put("completion_id", completion.id());
            call.put("request_id", completion.requestId());
            call.put("prompt_tokens", counted ? (Integer) (int) usage.promptTokens() : null);
            call.put("completion_tokens", counted ? (Integer) (int) usage.completionTokens() : null);
            call.put("latency_ms", completion.latency() == null ? 0L : completion.latency().toMillis());
            call.put("attempts", Math.max(1, completion.attempts()));
            call.put("accepted", true);
            call.put("cached", false);
            calls = List.of(call);
        }
        GenericData.Record results = new GenericData.Record(SCHEMA.getField(OutputSchema.RESULTS).schema());
        if (result != null) {
            results.put(task.name(), TaskType.of(task).toAvro(result));
        }
        GenericData.Record value = new GenericData.Record(SCHEMA);
        value.put("id", input.id());
        value.put("source_topic", topic);
        value.put("source_partition", partition);
        value.put("source_offset", offset);
        value.put("source_timestamp", java.time.Instant.ofEpochMilli(timestamp));
        value.put("text", input.text());
        value.put("text_redacted", false);
        value.put("attributes", input.attributes());
        value.put(OutputSchema.RESULTS, results);
        value.put("model_calls", calls);
        value.put("failed_tasks", List.of());
        value.put("skipped_tasks", List.of());
        value.put("long_inputs", List.of());
        value.put("cost_usd", 0.0);
        value.put("enriched_at", java.time.Instant.now());
        return serialize(schemaId, value);
    }

    /** The registry wire format: magic byte 0, the schema id big-endian, then Avro binary. */
    static byte[] serialize(int schemaId, GenericRecord value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.write(0);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            WRITER.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an enriched record", e);
        }
        return out.toByteArray();
    }
}
