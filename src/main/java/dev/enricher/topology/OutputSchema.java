package dev.enricher.topology;

import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * The value schema of the enriched topic, derived from a configuration's tasks as Flink's {@code ML_PREDICT} derives
 * its output columns from the model: the fixed envelope of {@code schemas/EnrichedEvent.avsc} (id, source coordinates,
 * text, attributes, calls, failed and skipped tasks, enriched_at) whose {@code results} record gets one field per
 * task, in task order, named by the task and typed by its {@linkplain TaskType#resultSchema result schema}: a union
 * of null (first, the default: the task failed or was skipped) and the result record.
 *
 * <p>What changes the schema: a task added, removed or renamed (a field added or removed: BACKWARD and FORWARD
 * compatible, as every field is optional), or a task's result type changed under the same name (the field's type
 * changed: not compatible, so a registry with a compatibility rule refuses it at start). A model or an option that
 * keeps the result type changes nothing. Immutable; thread-safe.
 */
public final class OutputSchema {
    /** The envelope: the enriched record with an empty {@code results}, as a resource next to the generated classes. */
    private static final String ENVELOPE = "/dev/enricher/avro/EnrichedEvent.avsc";
    /** The field holding the results record. */
    public static final String RESULTS = "results";
    private static final Schema ENVELOPE_SCHEMA = load();

    private OutputSchema() {
    }

    /** The envelope as published in {@code schemas/EnrichedEvent.avsc}: {@code results} with no field. */
    public static Schema envelope() {
        return ENVELOPE_SCHEMA;
    }

    /**
     * The enriched record's schema for {@code tasks}.
     *
     * @param tasks the configuration's tasks, in task order
     * @throws IllegalArgumentException naming the tasks when two share a name (one field each), or two tasks' result
     *                                  records share a full name with different definitions (prompt tasks named
     *                                  {@code my_task} and {@code MyTask} both generate {@code MyTaskResult})
     */
    public static Schema of(List<? extends EnrichmentTask> tasks) {
        Set<String> names = new HashSet<>();
        Map<String, String> recordOwner = new HashMap<>();
        Map<String, Schema> records = new HashMap<>();
        List<Schema.Field> fields = new ArrayList<>(tasks.size());
        for (EnrichmentTask task : tasks) {
            if (!names.add(task.name())) {
                throw new IllegalArgumentException("task name '" + task.name() + "' is used twice; each task's results"
                        + " go to the field of its name in the enriched record, so names must be unique");
            }
            TaskType type = TaskType.of(task);
            Schema result = type.resultSchema(task);
            collectNamed(result, task.name(), records, recordOwner);
            fields.add(new Schema.Field(task.name(), Schema.createUnion(Schema.create(Schema.Type.NULL), result),
                    "Task '" + task.name() + "' (type " + type.name().toLowerCase(Locale.ROOT) + "): "
                            + (result.getDoc() == null ? "its answer." : result.getDoc()) + " Null when the task failed on this event (see failed_tasks) or was"
                            + " skipped (see skipped_tasks).",
                    JsonProperties.NULL_VALUE));
        }
        Schema envelopeResults = ENVELOPE_SCHEMA.getField(RESULTS).schema();
        Schema results = Schema.createRecord(envelopeResults.getName(), envelopeResults.getDoc(),
                envelopeResults.getNamespace(), false, fields);
        List<Schema.Field> envelope = new ArrayList<>();
        for (Schema.Field f : ENVELOPE_SCHEMA.getFields()) {
            envelope.add(f.name().equals(RESULTS)
                    ? new Schema.Field(f.name(), results, f.doc(), f.defaultVal())
                    : new Schema.Field(f, f.schema()));
        }
        Schema schema = Schema.createRecord(ENVELOPE_SCHEMA.getName(), ENVELOPE_SCHEMA.getDoc(),
                ENVELOPE_SCHEMA.getNamespace(), false, envelope);
        // Round-trip through the parser: the schema a registry stores and a consumer compiles is exactly this text.
        Schema parsed = new Schema.Parser().parse(schema.toString());
        // Strings are java.lang.String for every reader that honours avro.java.string (as the generated result records
        // partly say already), not Utf8: what a consumer's generated classes and a generic reader then both get.
        // The parsed copy shares no object with the generated classes' schemas, so marking it changes only this one.
        javaStrings(parsed, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        return parsed;
    }

    /** Marks every string (and every map's keys) of {@code schema} to be read as {@code java.lang.String}. */
    private static void javaStrings(Schema schema, Set<Schema> seen) {
        if (!seen.add(schema)) {
            return;
        }
        switch (schema.getType()) {
            case STRING, MAP -> {
                if (schema.getProp(GenericData.STRING_PROP) == null) {
                    schema.addProp(GenericData.STRING_PROP, GenericData.StringType.String.name());
                }
                if (schema.getType() == Schema.Type.MAP) {
                    javaStrings(schema.getValueType(), seen);
                }
            }
            case RECORD -> schema.getFields().forEach(f -> javaStrings(f.schema(), seen));
            case ARRAY -> javaStrings(schema.getElementType(), seen);
            case UNION -> schema.getTypes().forEach(t -> javaStrings(t, seen));
            default -> {
                // nothing to mark
            }
        }
    }

    /** Records every named type in {@code schema}, refusing one name defined two ways by different tasks. */
    private static void collectNamed(Schema schema, String task, Map<String, Schema> records, Map<String, String> owner) {
        switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> {
                Schema prior = records.putIfAbsent(schema.getFullName(), schema);
                if (prior != null) {
                    if (!prior.equals(schema)) {
                        throw new IllegalArgumentException("tasks '" + owner.get(schema.getFullName()) + "' and '"
                                + task + "' both define the Avro type " + schema.getFullName() + ", differently"
                                + " (their names differ only in case or underscores); rename one of them");
                    }
                    return;
                }
                owner.put(schema.getFullName(), task);
                if (schema.getType() == Schema.Type.RECORD) {
                    for (Schema.Field f : schema.getFields()) {
                        collectNamed(f.schema(), task, records, owner);
                    }
                }
            }
            case ARRAY -> collectNamed(schema.getElementType(), task, records, owner);
            case MAP -> collectNamed(schema.getValueType(), task, records, owner);
            case UNION -> schema.getTypes().forEach(t -> collectNamed(t, task, records, owner));
            default -> {
                // primitives name nothing
            }
        }
    }

    private static Schema load() {
        try (InputStream in = OutputSchema.class.getResourceAsStream(ENVELOPE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + ENVELOPE + " is missing from the build");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ENVELOPE, e);
        }
    }
}
