package dev.enricher.client;

/**
 * One entry of {@code choices}.
 *
 * @param index        position, 0 for the first
 * @param role         the message role, normally {@code assistant}
 * @param content      the message content; may be empty, never null
 * @param finishReason {@code stop}, {@code length}, ...; null when absent
 */
public record Choice(int index, String role, String content, String finishReason) {
    public Choice {
        content = content == null ? "" : content;
        role = role == null ? "assistant" : role;
    }

    /** True when the model stopped because it hit its output limit: the content may be cut short. */
    public boolean truncated() {
        return "length".equals(finishReason);
    }
}
