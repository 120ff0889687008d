package dev.enricher.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chat-completion body into a {@link ChatCompletion}, ignoring every field it does not
 * know (the server adds fields over time). Thread-safe.
 */
final class CompletionParser {
    private final ObjectMapper json;

    CompletionParser(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @throws MalformedCompletion when the body is not JSON or lacks {@code choices[0].message}
     */
    ChatCompletion parse(byte[] body, String requestId, int attempts, Duration latency) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedCompletion("the body is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MalformedCompletion("the body cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedCompletion("the body is not a JSON object");
        }
        JsonNode choicesNode = root.get("choices");
        if (choicesNode == null || !choicesNode.isArray() || choicesNode.isEmpty()) {
            throw new MalformedCompletion("'choices' is missing or empty");
        }
        List<Choice> choices = new ArrayList<>(choicesNode.size());
        for (JsonNode c : choicesNode) {
            JsonNode message = c.get("message");
            if (message == null || !message.isObject()) {
                throw new MalformedCompletion("'choices[" + choices.size() + "].message' is missing");
            }
            JsonNode content = message.get("content");
            if (content != null && !content.isNull() && !content.isTextual()) {
                throw new MalformedCompletion("'choices[" + choices.size() + "].message.content' is not a string");
            }
            choices.add(new Choice(c.path("index").asInt(choices.size()), textOrNull(message.get("role")),
                    content == null || content.isNull() ? "" : content.asText(), textOrNull(c.get("finish_reason"))));
        }
        return new ChatCompletion(textOrNull(root.get("id")), root.path("created").asLong(0),
                textOrNull(root.get("model")), choices, usage(root.get("usage")), requestId, attempts, latency);
    }

    private static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return Usage.NONE;
        }
        long prompt = count(u, "prompt_tokens", "input_tokens");
        long completion = count(u, "completion_tokens", "output_tokens");
        long total = u.has("total_tokens") ? Math.max(0, u.get("total_tokens").asLong(0)) : prompt + completion;
        return new Usage(prompt, completion, total);
    }

    private static long count(JsonNode u, String name, String altName) {
        JsonNode n = u.has(name) ? u.get(name) : u.get(altName);
        return n == null ? 0 : Math.max(0, n.asLong(0));
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The body is not a chat completion. */
    static final class MalformedCompletion extends RuntimeException {
        MalformedCompletion(String message) {
            super(message, null, false, false);
        }
    }
}
