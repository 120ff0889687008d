package dev.enricher.simulator;

import java.util.Map;
import java.util.Objects;

/**
 * One request as the simulator received it, for tests that check what a client sent.
 *
 * @param path             the request path, e.g. {@code /v1/chat/completions}
 * @param headers          header names in lower case; a repeated header keeps its first value
 * @param body             the body as UTF-8 text, empty when none
 * @param receivedAtMillis wall-clock arrival time, epoch milliseconds
 */
public record RecordedRequest(String path, Map<String, String> headers, String body, long receivedAtMillis) {
    public RecordedRequest {
        Objects.requireNonNull(path, "path");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    /** The header value, by case-insensitive name; null when absent. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
