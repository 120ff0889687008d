package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.client.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated chat-completions request as the answer generators see it.
 *
 * @param model    the model id (may be absent from the catalog until checked)
 * @param messages at least one, each with non-empty content
 * @param metadata the {@code metadata} object, empty when absent (never null)
 * @param root     the whole request body, for top-level extras such as {@code categories}
 */
record ChatInput(String model, List<ChatMessage> messages, ObjectNode metadata, ObjectNode root) {

    /** The text the model works on: the last user message (the last message when there is no user message). */
    String text() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).content();
            }
        }
        return messages.get(messages.size() - 1).content();
    }

    /** The system messages joined by newlines; null when there is none. */
    String system() {
        StringBuilder s = null;
        for (ChatMessage m : messages) {
            if ("system".equals(m.role())) {
                s = s == null ? new StringBuilder() : s.append('\n');
                s.append(m.content());
            }
        }
        return s == null ? null : s.toString();
    }

    int chars() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.content().length();
        }
        return n;
    }

    int promptTokens() {
        int n = 0;
        for (ChatMessage m : messages) {
            n += Tokens.estimate(m.content());
        }
        return n;
    }

    /** A metadata value as text, or {@code fallback}. */
    String meta(String key, String fallback) {
        JsonNode v = metadata.get(key);
        return v == null || v.isNull() || !v.isValueNode() ? fallback : v.asText();
    }

    double metaDouble(String key, double fallback) {
        JsonNode v = metadata.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("metadata." + key + " must be a number, was " + v, "invalid_type", "metadata." + key);
        }
    }

    /**
     * A copy whose messages fit {@code limitTokens}: the last user message loses its tail, cut between two code
     * points. Other messages are kept whole; at least one character of the user message always stays.
     */
    ChatInput truncatedTo(int limitTokens) {
        int excess = promptTokens() - limitTokens;
        if (excess <= 0) {
            return this;
        }
        int target = -1;
        for (int i = messages.size() - 1; i >= 0 && target < 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                target = i;
            }
        }
        if (target < 0) {
            target = messages.size() - 1;
        }
        ChatMessage m = messages.get(target);
        int keepTokens = Math.max(1, Tokens.estimate(m.content()) - excess);
        int keepChars = Math.max(1, Math.min(m.content().length(), keepTokens * Tokens.CHARS_PER_TOKEN));
        if (keepChars < m.content().length() && Character.isHighSurrogate(m.content().charAt(keepChars - 1))) {
            // Never half a character: a Python model sees code points, so the cut is between two of them.
            keepChars = keepChars == 1 ? 2 : keepChars - 1;
        }
        List<ChatMessage> copy = new ArrayList<>(messages);
        copy.set(target, new ChatMessage(m.role(), m.content().substring(0, keepChars)));
        return new ChatInput(model, List.copyOf(copy), metadata, root);
    }
}
