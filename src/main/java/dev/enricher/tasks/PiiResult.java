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
 *                        {@code entities_by_label}, or derived from {@code entities} when the model left it out);
 *                        empty {@link #withoutRawText without raw text}
 * @param redactedText   the input with placeholders such as {@code [PERSON]}; non-null for the {@code redact}
 *                       usecase, null otherwise
 */
public record PiiResult(List<PiiEntity> entities, Map<String, List<String>> entitiesByLabel, String redactedText)
        implements TaskResult {
    public PiiResult {
        entities = List.copyOf(entities);
        entitiesByLabel = LabelledLists.copyOf(entitiesByLabel);
    }

    /**
     * This result keeping no raw personal data, for publishing under privacy: every entity's text is removed (labels,
     * offsets and scores stay), replaced by its keyed hash when {@code hasher} is given, and
     * {@link #entitiesByLabel} is empty. The redacted text, which holds placeholders only, is kept. Idempotent: an
     * entity already without text keeps its hash.
     *
     * @param hasher the deployment's entity hasher, or null to publish no hash
     */
    public PiiResult withoutRawText(EntityHasher hasher) {
        List<PiiEntity> stripped = new ArrayList<>(entities.size());
        for (PiiEntity e : entities) {
            String hmac = e.text() == null ? e.textHmac() : hasher == null ? null : hasher.hash(e.text());
            stripped.add(e.withoutText(hmac));
        }
        return new PiiResult(stripped, Map.of(), redactedText);
    }

    /**
     * Groups the entities' texts by label, keeping first-seen order: the model's own grouping. Entities without
     * text (removed for privacy) are left out.
     */
    static Map<String, List<String>> groupByLabel(List<PiiEntity> entities) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (PiiEntity e : entities) {
            if (e.text() != null) {
                grouped.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e.text());
            }
        }
        return grouped;
    }
}
