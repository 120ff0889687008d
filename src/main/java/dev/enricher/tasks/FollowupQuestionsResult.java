package dev.enricher.tasks;

import java.util.List;

/**
 * Follow-up questions a reader might ask next, in the model's order.
 *
 * @param questions the questions, trimmed and never blank; empty when the model proposed none
 */
public record FollowupQuestionsResult(List<String> questions) implements TaskResult {
    public FollowupQuestionsResult {
        questions = List.copyOf(questions);
        for (String q : questions) {
            ScoredLabel.requireNonBlank("question", q);
        }
    }
}
