package dev.enricher.serde.decode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A raw input record as the pipeline sees it after decoding.
 *
 * @param text       the text to enrich; never blank
 * @param id         the producer's id of the event, or null when it has none
 * @param attributes other fields of the event, as strings, in the order they came; never null, unmodifiable
 */
public record DecodedEvent(String text, String id, Map<String, String> attributes) {
    public DecodedEvent {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank (length " + text.length() + ")");
        }
        if (attributes == null || attributes.isEmpty()) {
            attributes = Map.of();
        } else {
            Map<String, String> copy = new LinkedHashMap<>(attributes.size() * 2);
            attributes.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "attribute name"),
                    Objects.requireNonNull(v, () -> "value of attribute '" + k + "'")));
            attributes = Collections.unmodifiableMap(copy);
        }
    }

    /** An event with text only. */
    public static DecodedEvent ofText(String text) {
        return new DecodedEvent(text, null, Map.of());
    }
}
