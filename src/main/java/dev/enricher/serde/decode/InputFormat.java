package dev.enricher.serde.decode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the raw topic's values are encoded ({@code input.format}). */
public enum InputFormat {
    /** A JSON object; the text and id found at JSON Pointers. */
    JSON,
    /** Confluent-framed Avro (magic byte 0, 4-byte schema id, Avro binary) read through a schema registry. */
    AVRO,
    /** The whole value is the text, UTF-8. */
    TEXT;

    /**
     * The format named by {@code value}, case-insensitive.
     *
     * @throws IllegalArgumentException naming {@code input.format} and the valid values
     */
    public static InputFormat parse(String value) {
        if (value != null) {
            for (InputFormat f : values()) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
        }
        throw new IllegalArgumentException("input.format '" + value + "' is not a known format: use one of "
                + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
