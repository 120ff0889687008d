package dev.enricher.engine;

import dev.enricher.tasks.TaskResult;
import java.util.List;
import java.util.Objects;

/**
 * How one task ended for one event: a result, or a failure.
 *
 * @param task    the task's name
 * @param model   the task's model
 * @param result  the parsed result; null when the task failed
 * @param call    the accounting of its calls; null when the API was never called
 * @param failure why it failed; null when it succeeded
 * @param earlier the answered calls before the last one, whose answers were refused and sent back for repair (each
 *                was paid), oldest first; empty for most tasks
 */
public record TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure,
                          List<EarlierCall> earlier) {
    public TaskOutcome {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        earlier = earlier == null ? List.of() : List.copyOf(earlier);
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("task " + task + ": exactly one of result and failure must be set");
        }
    }

    /** An outcome with no earlier calls. */
    public TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure) {
        this(task, model, result, call, failure, List.of());
    }

    public boolean succeeded() {
        return result != null;
    }
}
