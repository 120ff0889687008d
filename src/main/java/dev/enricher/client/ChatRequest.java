package dev.enricher.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable {@code POST /chat/completions} body.
 *
 * <p>Values of {@code metadata} and {@code extraFields} are JSON-like trees: {@link String},
 * {@link Number}, {@link Boolean}, {@link List} and {@link Map} with string keys, or null.
 * {@code extraFields} are additional top-level fields the API accepts ({@code categories},
 * {@code max_tokens}, ...); {@code stream} is refused because the API has no streaming.
 *
 * @param model       model id, never blank
 * @param messages    at least one message
 * @param metadata    model-specific options; empty when none (then not sent)
 * @param extraFields extra top-level fields; empty when none
 */
public record ChatRequest(String model, List<ChatMessage> messages, Map<String, Object> metadata,
                          Map<String, Object> extraFields) {
    private static final Set<String> RESERVED = Set.of("model", "messages", "metadata", "stream");

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one message");
        }
        messages = List.copyOf(messages);
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        extraFields = extraFields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extraFields));
        for (String key : extraFields.keySet()) {
            if (RESERVED.contains(key)) {
                throw new IllegalArgumentException("extra field '" + key + "' is reserved; use the dedicated component");
            }
        }
    }

    public static Builder builder(String model) {
        return new Builder(model);
    }

    /** This request sent to another model (a task's fallback): the same messages and fields. */
    public ChatRequest withModel(String other) {
        return new ChatRequest(other, messages, metadata, extraFields);
    }

    /** Total characters over all messages: a cheap size estimate used for limits and token guesses. */
    public int contentLength() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
        }
        return n;
    }

    @Override
    public String toString() {
        return "ChatRequest[model=" + model + ", messages=" + messages.size() + ", chars=" + contentLength()
                + ", metadata=" + metadata.keySet() + ", extraFields=" + extraFields.keySet() + "]";
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final String model;
        private final List<ChatMessage> messages = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();
        private final Map<String, Object> extraFields = new LinkedHashMap<>();

        private Builder(String model) {
            this.model = model;
        }

        public Builder system(String content) {
            messages.add(ChatMessage.system(content));
            return this;
        }

        public Builder user(String content) {
            messages.add(ChatMessage.user(content));
            return this;
        }

        public Builder message(ChatMessage message) {
            messages.add(Objects.requireNonNull(message, "message"));
            return this;
        }

        public Builder metadata(String key, Object value) {
            metadata.put(key, value);
            return this;
        }

        public Builder field(String key, Object value) {
            extraFields.put(key, value);
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest(model, messages, metadata, extraFields);
        }
    }
}
