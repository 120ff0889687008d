package dev.enricher.tasks;

import java.util.Objects;

/**
 * An answer a task refused (its content did not have the shape the task asked for), kept so that the next request
 * of a {@linkplain EnrichmentTask#repairs() repairing} task can show the model its answer and what was wrong.
 *
 * @param content the answer's content as the model gave it
 * @param problem what was wrong, in the task's words (for a JSON Schema, the validator's)
 */
public record RefusedAnswer(String content, String problem) {
    public RefusedAnswer {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(problem, "problem");
    }
}
