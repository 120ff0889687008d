package dev.enricher.tasks;

import java.util.List;

/**
 * What the enriched IAB classifier found. Optional parts of the answer are empty lists or null when the
 * model left them out.
 *
 * @param audience   audience segments with their taxonomy position, possibly empty
 * @param iab10      content categories of IAB taxonomy 1.0, possibly empty
 * @param topics     topics, empty when absent
 * @param keywords   keywords, empty when absent
 * @param userIntent the writer's intent, null when absent
 */
public record IabEnrichedResult(List<Audience> audience, List<Category> iab10, List<ScoredLabel> topics,
                                List<String> keywords, UserIntent userIntent) implements TaskResult {
    public IabEnrichedResult {
        audience = List.copyOf(audience);
        iab10 = List.copyOf(iab10);
        topics = topics == null ? List.of() : List.copyOf(topics);
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
    }

    /**
     * An IAB audience segment.
     *
     * @param id        taxonomy id (numbers are kept as their decimal text), null when absent
     * @param parentId  the parent segment's id, null when absent or at the top
     * @param name      the segment's name, never blank
     * @param tier1Name tier-1 name, null when absent
     * @param tier2Name tier-2 name, null when absent
     * @param tier3Name tier-3 name, null when absent (only deep segments have one)
     * @param score     the model's score, finite
     */
    public record Audience(String id, String parentId, String name, String tier1Name, String tier2Name,
                           String tier3Name, double score) {
        public Audience {
            ScoredLabel.requireNonBlank("audience name", name);
            ScoredLabel.requireFinite("score", score);
        }
    }

    /**
     * An IAB 1.0 content category.
     *
     * @param code       the IAB code (for example {@code IAB19-6}), never blank
     * @param name       the category's name, never blank
     * @param tier       the taxonomy tier (1 for top level), null when absent
     * @param parentCode the parent category's code; null for a top-level category or when absent
     * @param score      the model's score, finite
     */
    public record Category(String code, String name, Integer tier, String parentCode, double score) {
        public Category {
            ScoredLabel.requireNonBlank("category code", code);
            ScoredLabel.requireNonBlank("category name", name);
            ScoredLabel.requireFinite("score", score);
            if (tier != null && tier < 1) {
                throw new IllegalArgumentException("category tier must be >= 1, was " + tier);
            }
        }
    }

    /**
     * The writer's intent.
     *
     * @param name     the intent, never blank
     * @param category its category, null when absent
     * @param score    the model's score, finite
     */
    public record UserIntent(String name, String category, double score) {
        public UserIntent {
            ScoredLabel.requireNonBlank("intent name", name);
            ScoredLabel.requireFinite("score", score);
        }
    }
}
