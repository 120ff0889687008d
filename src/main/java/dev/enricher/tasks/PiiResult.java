package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The personal data {@code gliner-multi-pii-v1} found.
 *
 * @param entities       the entities with offsets, in the model's order
 * @param entitiesByLabel the entity texts grouped by label, in the model's order (from
 *                        {@code entities_by_label}, or derived from {@code entities} when the model left it out)
 * @param redactedText   the input with placeholders such as {@code [PERSON]}; non-null for the {@code redact}
 *                       usecase, null otherwise
 */
public record PiiResult(List<PiiEntity> entities, Map<String, List<String>> entitiesByLabel, String redactedText)
        implements TaskResult {
    public PiiResult {
        entities = List.copyOf(entities);
        entitiesByLabel = LabelledLists.copyOf(entitiesByLabel);
    }

    /** Groups the entities' texts by label, keeping first-seen order: the model's own grouping. */
    static Map<String, List<String>> groupByLabel(List<PiiEntity> entities) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (PiiEntity e : entities) {
            grouped.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
        }
        return grouped;
    }
}
