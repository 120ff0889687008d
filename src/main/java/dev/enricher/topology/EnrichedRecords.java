package dev.enricher.topology;

import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Reading an enriched record whose schema was derived from some configuration ({@link OutputSchema}) without its
 * generated classes: the tools of this project ({@code tail}, {@code demo}, {@code chaos}, the benchmarks) read it
 * as a {@link GenericRecord}, through {@link dev.enricher.serde.AvroDeserializer#mixed}, which gives the built-in
 * results as their generated classes ({@code dev.enricher.avro.IabResult}, ...). Stateless.
 */
public final class EnrichedRecords {
    private EnrichedRecords() {
    }

    /** The {@code results} record of an enriched record. */
    public static GenericRecord results(GenericRecord event) {
        return (GenericRecord) event.get(OutputSchema.RESULTS);
    }

    /**
     * The result of task {@code task}: a generated result class for a built-in type, a generic record for a prompt
     * task with a JSON Schema; null when the task failed, was skipped or is not configured in the writer's schema.
     */
    public static Object result(GenericRecord event, String task) {
        GenericRecord results = results(event);
        return results.hasField(task) ? results.get(task) : null;
    }

    /** {@link #result(GenericRecord, String)} as {@code type}. */
    public static <T> T result(GenericRecord event, String task, Class<T> type) {
        return type.cast(result(event, task));
    }

    /** The names of the tasks with a result in this record, in task order. */
    public static List<String> answered(GenericRecord event) {
        GenericRecord results = results(event);
        return results.getSchema().getFields().stream().map(f -> f.name()).filter(n -> results.get(n) != null)
                .toList();
    }

    /** The record's {@code model_calls} entries. */
    @SuppressWarnings("unchecked")
    public static List<GenericRecord> modelCalls(GenericRecord event) {
        return (List<GenericRecord>) event.get("model_calls");
    }

    /** The record's {@code failed_tasks} entries. */
    @SuppressWarnings("unchecked")
    public static List<GenericRecord> failedTasks(GenericRecord event) {
        return (List<GenericRecord>) event.get("failed_tasks");
    }

    /** A {@code timestamp-millis} field ({@code source_timestamp}, {@code enriched_at}) as epoch milliseconds. */
    public static long millis(GenericRecord record, String field) {
        Object v = record.get(field);
        return v instanceof java.time.Instant i ? i.toEpochMilli() : ((Number) v).longValue();
    }

    /** A string field of the envelope ({@code text}, {@code id}, ...) as a Java string; null when null. */
    public static String string(GenericRecord record, String field) {
        Object v = record.get(field);
        return v == null ? null : v.toString();
    }
}
