package dev.enricher.tasks;

import java.util.Map;
import java.util.Objects;

/**
 * What a task's request may be built from: the event's text, its id and its attributes (what a prompt template names
 * as {@code {{text}}}, {@code {{id}}} and {@code {{attributes.x}}}).
 *
 * @param text       the event's text, never null
 * @param id         the producer's id of the event; null when it carried none
 * @param attributes the event's free-form attributes; empty when none
 */
public record TaskInput(String text, String id, Map<String, String> attributes) {
    public TaskInput {
        Objects.requireNonNull(text, "text");
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** Only a text. */
    public static TaskInput of(String text) {
        return new TaskInput(text, null, Map.of());
    }
}
