package dev.enricher.tasks;

import java.util.Objects;

/**
 * One piece of personal data found by {@code gliner-multi-pii-v1}.
 *
 * @param text  the span as the model returned it (not re-read from the input)
 * @param label the entity type, for example {@code person} or {@code email}; never blank
 * @param start character offset of the span's start in the input, as given by the model, >= 0
 * @param end   character offset just past the span, as given, >= start
 * @param score the model's confidence, finite
 */
public record PiiEntity(String text, String label, int start, int end, double score) {
    public PiiEntity {
        Objects.requireNonNull(text, "text");
        ScoredLabel.requireNonBlank("entity label", label);
        if (start < 0 || start > end) {
            throw new IllegalArgumentException("entity offsets must satisfy 0 <= start <= end, were start=" + start
                    + " end=" + end);
        }
        ScoredLabel.requireFinite("score", score);
    }
}
