package dev.enricher.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.client.ChatMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates a {@code POST /v1/chat/completions} body the way the API does: 400 for anything the
 * contract rejects, with the offending field in {@code param}. Stateless and thread-safe.
 */
final class RequestParser {
    static final int MAX_CONTENT_CHARS = 131_072;
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private RequestParser() {
    }

    static ChatInput parse(byte[] body) {
        JsonNode root;
        try {
            root = body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException | RuntimeException e) {
            root = null;
        } catch (java.io.IOException e) {
            root = null;
        }
        if (!(root instanceof ObjectNode obj)) {
            throw ApiException.invalid("We could not parse the JSON body of your request. The API expects a JSON"
                    + " object in the body.", "invalid_json", null);
        }
        JsonNode stream = obj.get("stream");
        if (stream != null && stream.asBoolean(false)) {
            throw ApiException.invalid("Streaming is not supported: remove 'stream' or set it to false.",
                    "unsupported_parameter", "stream");
        }
        JsonNode model = obj.get("model");
        if (model == null || model.isNull()) {
            throw ApiException.invalid("you must provide a model parameter", "missing_required_parameter", "model");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiException.invalid("'model' must be a non-empty string", "invalid_type", "model");
        }
        JsonNode messages = obj.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.invalid("Missing required parameter: 'messages'.", "missing_required_parameter", "messages");
        }
        if (!messages.isArray()) {
            throw ApiException.invalid("Invalid type for 'messages': expected an array.", "invalid_type", "messages");
        }
        if (messages.isEmpty()) {
            throw ApiException.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1.",
                    "empty_array", "messages");
        }
        List<ChatMessage> list = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            list.add(message(messages.get(i), i));
        }
        JsonNode metadata = obj.get("metadata");
        ObjectNode meta;
        if (metadata == null || metadata.isNull()) {
            meta = Json.object();
        } else if (metadata instanceof ObjectNode m) {
            meta = m;
        } else {
            throw ApiException.invalid("Invalid type for 'metadata': expected an object.", "invalid_type", "metadata");
        }
        return new ChatInput(model.asText(), List.copyOf(list), meta, obj);
    }

    private static ChatMessage message(JsonNode m, int i) {
        String at = "messages[" + i + "]";
        if (!(m instanceof ObjectNode)) {
            throw ApiException.invalid("Invalid type for '" + at + "': expected an object.", "invalid_type", at);
        }
        JsonNode role = m.get("role");
        if (role == null || role.isNull()) {
            throw ApiException.invalid("Missing required parameter: '" + at + ".role'.", "missing_required_parameter",
                    at + ".role");
        }
        if (!role.isTextual() || !ROLES.contains(role.asText())) {
            throw ApiException.invalid("Invalid value for '" + at + ".role': " + role + ". Supported values are:"
                    + " 'system', 'user' and 'assistant'.", "invalid_value", at + ".role");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw ApiException.invalid("Missing required parameter: '" + at + ".content'.", "missing_required_parameter",
                    at + ".content");
        }
        if (!content.isTextual()) {
            throw ApiException.invalid("Invalid type for '" + at + ".content': expected a string.", "invalid_type",
                    at + ".content");
        }
        String text = content.asText();
        if (text.isEmpty()) {
            throw ApiException.invalid("Invalid '" + at + ".content': string too short. Expected a string with minimum"
                    + " length 1, but got an empty string instead.", "string_too_short", at + ".content");
        }
        if (text.length() > MAX_CONTENT_CHARS) {
            throw ApiException.invalid("Invalid '" + at + ".content': string too long. Expected a string with maximum"
                    + " length " + MAX_CONTENT_CHARS + ", but got a string with length " + text.length() + " instead.",
                    "string_too_long", at + ".content");
        }
        return new ChatMessage(role.asText(), text);
    }
}
