package dev.enricher.tasks;

/**
 * Generated text.
 *
 * @param text         the model's text, trimmed, never blank
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...), null when the server did not say
 * @param truncated    true when the model hit its output limit ({@code length}): the text may be cut short
 */
public record TextResult(String text, String finishReason, boolean truncated) implements TaskResult {
    public TextResult {
        ScoredLabel.requireNonBlank("text", text);
    }
}
