package dev.enricher.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies of label -> strings maps ({@link PiiResult}, {@link EntitiesResult}). */
final class LabelledLists {
    private LabelledLists() {
    }

    /**
     * An unmodifiable, order-keeping deep copy; {@link Map#copyOf} would lose the model's order, which readers of
     * the enriched record see.
     */
    static Map<String, List<String>> copyOf(Map<String, List<String>> map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(ScoredLabel.requireNonBlank("label", k), List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }
}
