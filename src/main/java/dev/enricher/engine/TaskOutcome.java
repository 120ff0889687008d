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
 * @param skipped why the task was not run on this event (its condition was false); null when it ran
 * @param pieces    a chunked long input: the calls that answered its pieces, in piece order, each accepted (then
 *                  {@code call} is null, or the failed piece's attempts when the task failed); empty otherwise
 * @param longInput how an input over the model's limit was sent; null when it was sent whole
 */
public record TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure,
                          List<EarlierCall> earlier, String skipped, List<EarlierCall> pieces,
                          LongInputUse longInput) {
    public TaskOutcome {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        earlier = earlier == null ? List.of() : List.copyOf(earlier);
        pieces = pieces == null ? List.of() : List.copyOf(pieces);
        int set = (result == null ? 0 : 1) + (failure == null ? 0 : 1) + (skipped == null ? 0 : 1);
        if (set != 1) {
            throw new IllegalArgumentException("task " + task + ": exactly one of result, failure and skipped must be"
                    + " set");
        }
    }

    /** An outcome of a task whose input was sent whole. */
    public TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure,
                       List<EarlierCall> earlier, String skipped) {
        this(task, model, result, call, failure, earlier, skipped, List.of(), null);
    }

    /** An outcome of a task that ran (a result or a failure). */
    public TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure,
                       List<EarlierCall> earlier) {
        this(task, model, result, call, failure, earlier, null);
    }

    /** A task not run on this event, for {@code reason}: no call, no result. */
    public static TaskOutcome skipped(String task, String model, String reason) {
        return new TaskOutcome(task, model, null, null, null, List.of(), Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the task was skipped (not run) for this event. */
    public boolean wasSkipped() {
        return skipped != null;
    }

    /** An outcome with no earlier calls. */
    public TaskOutcome(String task, String model, TaskResult result, CallInfo call, Failure failure) {
        this(task, model, result, call, failure, List.of());
    }

    public boolean succeeded() {
        return result != null;
    }
}
