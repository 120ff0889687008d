package dev.enricher.engine;

import dev.enricher.client.Usage;
import java.time.Duration;

/**
 * Told about every API call the engine makes, for metrics. Called on client threads: implementations must be
 * thread-safe and must not block.
 */
public interface CallObserver {
    /** The call succeeded. */
    String SUCCESS = "success";
    /** The API refused the record (400, 413, 420 context), or its answer was malformed. */
    String RECORD_ERROR = "record_error";
    /** A transient failure (408, 429, 5xx, timeout, reset). */
    String TRANSIENT_ERROR = "transient_error";
    /** An operator failure (401, 403, quota): the circuit opens. */
    String OPERATOR_ERROR = "operator_error";

    /**
     * @param model   the model called
     * @param outcome one of the constants above
     * @param status  the HTTP status; 0 when there was no HTTP answer
     * @param latency from sending to the answer
     * @param usage   the tokens billed; {@link Usage#NONE} for failures
     */
    void callEnded(String model, String outcome, int status, Duration latency, Usage usage);

    /**
     * As {@link #callEnded(String, String, int, Duration, Usage)}, knowing the task that made the call (so tokens and
     * cost can be told apart by task). The default forgets the task.
     */
    default void callEnded(String model, String task, String outcome, int status, Duration latency, Usage usage) {
        callEnded(model, outcome, status, latency, usage);
    }

    /**
     * A call was not made: its answer came from the stored call results, or from an identical call in flight at the
     * same time. {@code usage} is what the answer had cost when it was paid for.
     */
    default void callSaved(String model, String task, Usage usage) {
    }

    CallObserver NONE = (model, outcome, status, latency, usage) -> { };
}
