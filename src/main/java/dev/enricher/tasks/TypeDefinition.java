package dev.enricher.tasks;

import java.util.List;
import org.apache.avro.Schema;

/**
 * One kind of task, whole: how its tasks are built from configuration, which result they parse, and how that
 * result is written into the enriched record. Each subclass is nested in its task's class, so that a type is one
 * file, and {@link TaskType} registers one instance of each: the only list of types.
 *
 * <p>Subclasses are stateless; instances are immutable and thread-safe. The hooks ({@link #create},
 * {@link #toAvro}, {@link #redacts}, {@link #redactedText}) are typed; the final methods next to them are the
 * untyped doors {@link TaskType} and {@link TaskFactory} call, which check the type once.
 *
 * @param <T> the task this type builds
 * @param <R> the result those tasks parse
 */
abstract class TypeDefinition<T extends EnrichmentTask, R extends TaskResult> {
    private final Class<T> taskClass;
    private final String defaultName;
    private final String defaultModel;
    private final List<String> optionKeys;
    private final Class<R> resultClass;
    private final Schema resultSchema;

    /**
     * @param taskClass    the class of the tasks this type builds: how {@link TaskType#of} finds a task's type
     * @param defaultName  the task name when configuration gives none
     * @param defaultModel the model when configuration gives none
     * @param optionKeys   the option keys a spec may set, in the order an unknown-option message lists them
     * @param resultClass  the class of what {@code taskClass}'s {@code parse} returns
     * @param resultSchema the Avro schema of one result: what {@link #toAvro} returns a datum of; null for a type
     *                     whose tasks each have their own (it then overrides {@link #resultSchema(EnrichmentTask)})
     */
    TypeDefinition(Class<T> taskClass, String defaultName, String defaultModel, List<String> optionKeys,
                   Class<R> resultClass, Schema resultSchema) {
        this.taskClass = taskClass;
        this.defaultName = defaultName;
        this.defaultModel = defaultModel;
        this.optionKeys = List.copyOf(optionKeys);
        this.resultClass = resultClass;
        this.resultSchema = resultSchema;
    }

    /**
     * The task a spec describes. Options are read in the order a message should report the first bad one.
     *
     * @param name  the task's name, null for {@link #defaultName()}
     * @param model the model id, null for {@link #defaultModel()}
     * @throws IllegalArgumentException when an option or the task's own validation refuses; {@link TaskFactory}
     *                                  prefixes the task's name when the message does not have it yet
     */
    abstract T create(String name, String model, TaskOptions options);

    /** {@code result} as a datum of {@link #resultSchema()}, field for field, order kept; never null. */
    abstract Object toAvro(R result);

    /** Whether {@code task}'s redacted text replaces the event's text in the enriched record; no type does by default. */
    boolean redacts(T task) {
        return false;
    }

    /** The text that replaces the event's text, from a result of a task that {@link #redacts}; null when none. */
    String redactedText(R result) {
        return null;
    }

    final String defaultName() {
        return defaultName;
    }

    final String defaultModel() {
        return defaultModel;
    }

    final List<String> optionKeys() {
        return optionKeys;
    }

    /**
     * The Avro schema of {@code task}'s results, the type of its field in the enriched record's {@code results}: the
     * type's one schema unless the type derives one per task (a prompt task's, from its JSON Schema).
     */
    Schema resultSchema(T task) {
        return resultSchema;
    }

    final Schema resultSchemaOf(EnrichmentTask task) {
        return resultSchema(typed(task));
    }

    private T typed(EnrichmentTask task) {
        if (!builds(task)) {
            throw new IllegalArgumentException("task '" + task.name() + "' is a " + task.getClass().getName()
                    + ", not a " + taskClass.getSimpleName());
        }
        return taskClass.cast(task);
    }

    final boolean builds(EnrichmentTask task) {
        return taskClass.isInstance(task);
    }

    final boolean redactsText(EnrichmentTask task) {
        return redacts(typed(task));
    }

    final Object avroOf(TaskResult result) {
        return toAvro(typed(result));
    }

    final String redactedTextOf(TaskResult result) {
        return redactedText(typed(result));
    }

    private R typed(TaskResult result) {
        if (!resultClass.isInstance(result)) {
            // A result handed to the wrong type is an engine bug; the message names classes, never content.
            throw new IllegalArgumentException("expected a " + resultClass.getSimpleName() + ", was a "
                    + (result == null ? "null" : result.getClass().getName()));
        }
        return resultClass.cast(result);
    }
}
