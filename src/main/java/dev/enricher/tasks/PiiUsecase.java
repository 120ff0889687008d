package dev.enricher.tasks;

/** What {@code gliner-multi-pii-v1} does with the personal data it finds ({@code metadata.usecase}). */
public enum PiiUsecase {
    /** Report the entities only. The model's default. */
    EXTRACT_PII("extract-pii"),
    /** Report the entities and return the text with placeholders such as {@code [PERSON]}. */
    REDACT("redact");

    private final String wireName;

    PiiUsecase(String wireName) {
        this.wireName = wireName;
    }

    /** The value sent as {@code metadata.usecase}. */
    public String wireName() {
        return wireName;
    }
}
