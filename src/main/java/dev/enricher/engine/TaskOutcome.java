package dev.enricher.engine;

import dev.enricher.tasks.TaskResult;
import java.util.Objects;

/**
 * How one task ended for one event: a result, or a failure.
 *
 * @param task    the task's name
 * @param model   the task's model
 * @param result  the parsed result; null when the task failed
 * @param call    the accounting of its calls; null when the API was never called
 * @param failure why it failed; null when it succeeded
 */
public record TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure) {
    public TaskOutcome {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("task " + task + ": exactly one of result and failure must be set");
        }
    }

    public boolean succeeded() {
        return result != null;
    }
}
