package dev.enricher.client;

import java.util.Objects;
import java.util.Set;

/**
 * One message of a chat-completion request or answer.
 *
 * @param role    {@code system}, {@code user} or {@code assistant}
 * @param content the text; never null (the API rejects empty content, but the request
 *                builder leaves that judgement to the server so the error is the real one)
 */
public record ChatMessage(String role, String content) {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be one of " + ROLES + ", was '" + role + "'");
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    @Override
    public String toString() {
        return "ChatMessage[role=" + role + ", content=" + content.length() + " chars]";
    }
}
