package dev.enricher.tasks;

/**
 * A thinking model's answer with its visible reasoning separated out.
 *
 * @param answer    the answer, trimmed, never blank
 * @param reasoning the reasoning, trimmed; null when none was found or it could not be told apart (then any
 *                  reasoning stays inside {@code answer})
 * @param split     how the two were told apart
 * @param truncated true when the model hit its output limit ({@code finish_reason} {@code length})
 */
public record ThinkingResult(String answer, String reasoning, Split split, boolean truncated) implements TaskResult {
    public ThinkingResult {
        ScoredLabel.requireNonBlank("answer", answer);
        if (reasoning != null && reasoning.isBlank()) {
            reasoning = null;
        }
        if (split == null) {
            throw new IllegalArgumentException("split must not be null");
        }
    }

    /** How the answer was separated from the reasoning; worth a metric, since two of these are guesses. */
    public enum Split {
        /** {@code <think>...</think>} tags: reliable. */
        TAGS,
        /** No tags; a final line starting {@code Answer:} or {@code Final answer:} marked the answer. */
        ANSWER_MARKER,
        /** Neither: the whole content is the answer and {@code reasoning} is null. */
        NONE
    }
}
