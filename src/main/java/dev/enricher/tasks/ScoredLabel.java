package dev.enricher.tasks;

import java.util.Objects;

/**
 * A label and the model's score for it: an IAB category or audience, a topic, a zero-shot label.
 *
 * @param name  the label, never blank
 * @param score the model's score, a finite number (normally 0..1; kept as given, not clamped)
 */
public record ScoredLabel(String name, double score) {
    public ScoredLabel {
        requireNonBlank("label name", name);
        requireFinite("score", score);
    }

    static String requireNonBlank(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    static double requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number, was " + value);
        }
        return value;
    }
}
