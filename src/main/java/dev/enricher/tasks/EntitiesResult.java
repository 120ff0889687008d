package dev.enricher.tasks;

import java.util.List;
import java.util.Map;

/**
 * Spans found by the GLiNER2 {@code ner} usecase.
 *
 * @param entities the spans per label, in the model's order; labels with no span may be missing or empty
 */
public record EntitiesResult(Map<String, List<String>> entities) implements TaskResult {
    public EntitiesResult {
        entities = LabelledLists.copyOf(entities);
    }

    /** The spans of one label, empty when none were found. */
    public List<String> spans(String label) {
        return entities.getOrDefault(label, List.of());
    }
}
