package dev.enricher.tasks;

/**
 * Builds tasks from configuration: the {@link TaskSpec}'s type reads its options (each type's options are
 * documented on its task class; any other key is refused) and builds its task. Stateless and thread-safe.
 */
public final class TaskFactory {
    private TaskFactory() {
    }

    /**
     * The task {@code spec} describes.
     *
     * @throws IllegalArgumentException when an option is unknown, missing or invalid, or the name or model is;
     *                                  the message names the task, the key, what is valid and what was given
     */
    public static EnrichmentTask create(TaskSpec spec) {
        TypeDefinition<?, ?> type = spec.type().definition();
        TaskOptions options = new TaskOptions(spec.effectiveName(), spec.options(), type.optionKeys());
        try {
            return type.create(spec.name(), spec.model(), options);
        } catch (TaskOptions.InvalidOptionException e) {
            throw e; // already names the task and the option
        } catch (IllegalArgumentException e) {
            throw options.wrap(e); // a task's own validation (label count, schema field spec, name rule)
        }
    }
}
