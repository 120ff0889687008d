package dev.enricher.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One task as configured: what {@link TaskFactory#create(TaskSpec)} turns into an {@link EnrichmentTask}.
 * Options are checked by the factory, not here, so that every message can name the task.
 *
 * @param name    the task's name; null for the type's {@link TaskType#defaultName() default}
 * @param type    the kind of task, never null
 * @param model   the model id; null for the type's {@link TaskType#defaultModel() default}
 * @param options type-specific options (keys in {@link TaskType#optionKeys()}); values are as a YAML reader gives
 *                them (strings, numbers, booleans, lists, maps); a null value means "use the default".
 *                Null for none. Kept unmodifiable, in order.
 * @param when    the task's condition ({@link TaskCondition}, CEL over the event); null to run on every event
 * @param input   where the task's input text comes from: {@code <task>.<field>}, a text field of another task's result
 *                (see {@link TaskGraph}); null for the event's text
 * @param longInput what the task does with an input over its model's limit; null for its type's default
 */
public record TaskSpec(String name, TaskType type, String model, Map<String, Object> options, String when,
                       String input, LongInput longInput) {
    public TaskSpec {
        Objects.requireNonNull(type, "type");
        // LinkedHashMap, not Map.copyOf: null values are allowed and order helps messages.
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A spec that runs on every event. */
    public TaskSpec(String name, TaskType type, String model, Map<String, Object> options) {
        this(name, type, model, options, null, null, null);
    }

    /** A spec that reads the event's text. */
    public TaskSpec(String name, TaskType type, String model, Map<String, Object> options, String when) {
        this(name, type, model, options, when, null, null);
    }

    /** The handling of long inputs in effect: {@link #longInput()} or the type's default. */
    public LongInput effectiveLongInput() {
        return longInput == null ? LongInput.defaultFor(type) : longInput;
    }

    /** A spec of {@code type} with its default name and model and no options. */
    public static TaskSpec of(TaskType type) {
        return new TaskSpec(null, type, null, null);
    }

    /** The name the task will have: {@link #name()} or the type's default. */
    public String effectiveName() {
        return name == null ? type.defaultName() : name;
    }

    /** The model the task will call: {@link #model()} or the type's default. */
    public String effectiveModel() {
        return model == null ? type.defaultModel() : model;
    }
}
