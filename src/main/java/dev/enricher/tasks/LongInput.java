package dev.enricher.tasks;

import java.util.Locale;

/**
 * What a task does with an input over its model's limit ({@code on-long-input:} and {@code max-input-tokens:} of a
 * task). The limit is the model's, from the model catalog, unless the task sets its own; the input is measured with
 * {@link TokenEstimate} (calibrated for Latin text, a byte bound for other scripts).
 *
 * @param mode           chunk, truncate or dead-letter
 * @param maxInputTokens the request's token limit; null for the model's limit from the catalog (and no limit for a
 *                       model the catalog does not know)
 */
public record LongInput(Mode mode, Integer maxInputTokens) {
    /** The handling of an input over the limit. */
    public enum Mode {
        /**
         * Split at sentence boundaries into pieces under the limit, with a small overlap; each piece is one call;
         * the pieces' results are merged into one (spans mapped back to offsets in the whole text).
         */
        CHUNK,
        /** Keep the head under the limit, cut at a sentence boundary; the record says the input was truncated. */
        TRUNCATE,
        /** Send the input as it is: the API refuses it (context length) and the event is dead-lettered. */
        DEAD_LETTER;

        /** {@code chunk}, {@code truncate} or {@code dead-letter} (case-insensitive, {@code _} for {@code -}). */
        public static Mode parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            return switch (t) {
                case "chunk" -> CHUNK;
                case "truncate" -> TRUNCATE;
                case "dead-letter" -> DEAD_LETTER;
                default -> throw new IllegalArgumentException("on-long-input '" + text + "' is not valid; give one of "
                        + "chunk, truncate, dead-letter");
            };
        }

        /** As configured: {@code chunk}, {@code truncate}, {@code dead-letter}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public LongInput {
        java.util.Objects.requireNonNull(mode, "mode");
        if (maxInputTokens != null && maxInputTokens < 16) {
            throw new IllegalArgumentException("max-input-tokens must be >= 16, was " + maxInputTokens);
        }
    }

    /** The type's default handling, with the catalog's limit. */
    public static LongInput defaultFor(TaskType type) {
        return new LongInput(type.defaultOnLongInput(), null);
    }
}
