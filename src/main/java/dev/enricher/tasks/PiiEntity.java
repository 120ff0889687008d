package dev.enricher.tasks;

import java.util.Objects;

/**
 * One piece of personal data found by {@code gliner-multi-pii-v1}.
 *
 * @param text     the span as the model returned it (not re-read from the input); always set in a parsed answer, null
 *                 only after {@link PiiResult#withoutRawText}, which keeps no raw personal data
 * @param label    the entity type, for example {@code person} or {@code email}; never blank
 * @param start    offset of the span's first character in the input, counted in Unicode code points (as the API and
 *                 Python count; not UTF-16 units), as given by the model, >= 0; in Java the span is
 *                 {@code input.substring(input.offsetByCodePoints(0, start), input.offsetByCodePoints(0, end))}
 * @param end      offset just past the span, in code points, as given, >= start
 * @param score    the model's confidence, finite
 * @param textHmac the keyed hash of the span's text ({@link EntityHasher#hash}, lowercase hex), or null when no key is
 *                 configured (or the text is still present)
 */
public record PiiEntity(String text, String label, int start, int end, double score, String textHmac) {
    public PiiEntity {
        ScoredLabel.requireNonBlank("entity label", label);
        if (start < 0 || start > end) {
            throw new IllegalArgumentException("entity offsets must satisfy 0 <= start <= end, were start=" + start
                    + " end=" + end);
        }
        ScoredLabel.requireFinite("score", score);
    }

    /** An entity as the model returned it: {@code text} is required here, and there is no hash. */
    public PiiEntity(String text, String label, int start, int end, double score) {
        this(Objects.requireNonNull(text, "text"), label, start, end, score, null);
    }

    /** This entity with its text removed and {@code textHmac} in its place (null for none). */
    PiiEntity withoutText(String textHmac) {
        return new PiiEntity(null, label, start, end, score, textHmac);
    }
}
