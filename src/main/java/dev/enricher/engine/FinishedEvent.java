package dev.enricher.engine;

import dev.enricher.serde.decode.DecodedEvent;
import java.util.List;
import java.util.Objects;

/**
 * An event the engine is done with, handed to the {@link EventSink} on the stream thread.
 *
 * @param input    the input record as consumed
 * @param event    the decoded event; null when decoding failed
 * @param outcomes one outcome per configured task, in task order; empty when decoding failed
 * @param failure  why the event goes to the dead-letter topic; null when it is published as enriched (possibly with
 *                 failed tasks, under {@link TaskFailurePolicy#PUBLISH_PARTIAL})
 */
public record FinishedEvent(InputRecord input, DecodedEvent event, List<TaskOutcome> outcomes, Failure failure) {
    public FinishedEvent {
        Objects.requireNonNull(input, "input");
        outcomes = List.copyOf(outcomes);
        if (failure == null && event == null) {
            throw new IllegalArgumentException("an enriched event needs its decoded event");
        }
    }

    public boolean deadLettered() {
        return failure != null;
    }
}
