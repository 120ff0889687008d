package dev.enricher.tasks;

import java.util.Arrays;
import java.util.List;

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

    /** The usecase whose {@link #wireName()} is {@code text}, or null when there is none. */
    static PiiUsecase fromWireName(String text) {
        for (PiiUsecase u : values()) {
            if (u.wireName.equals(text)) {
                return u;
            }
        }
        return null;
    }

    static List<String> wireNames() {
        return Arrays.stream(values()).map(PiiUsecase::wireName).toList();
    }
}
