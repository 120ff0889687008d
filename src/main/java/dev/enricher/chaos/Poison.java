package dev.enricher.chaos;

import dev.enricher.avro.DeadLetterCategory;

/**
 * The record faults a chaos stream carries at a known rate: each must end as a dead letter of its category, whatever
 * else happens during the run.
 */
public enum Poison {
    /** Bytes that are not JSON. */
    NOT_JSON(DeadLetterCategory.DESERIALIZATION),
    /** JSON without the text field. */
    NO_TEXT(DeadLetterCategory.VALIDATION),
    /** A value over {@code input.max-bytes}. */
    OVERSIZED(DeadLetterCategory.OVERSIZED),
    /** A text under the size limit but longer than every model's input limit: the API refuses it for good. */
    TOO_LONG_FOR_MODEL(DeadLetterCategory.API_RECORD_ERROR);

    private final DeadLetterCategory category;

    Poison(DeadLetterCategory category) {
        this.category = category;
    }

    /** The dead-letter category the service must give it. */
    public DeadLetterCategory category() {
        return category;
    }
}
