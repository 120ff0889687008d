package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured data extracted by the GLiNER2 {@code json} usecase: per schema group, the instances found, each
 * a map from field name to value.
 *
 * <p>Values are plain Java values, not strings, so that a number or a boolean stays one and null stays
 * distinguishable from the text "null": {@link String}, {@link Long} (or {@link java.math.BigInteger}),
 * {@link Double}, {@link Boolean}, null (field not found), or an unmodifiable {@link List} / {@link Map} of
 * the same (for {@code list}-typed fields). No Jackson type leaks out.
 *
 * @param data group -> instances -> field -> value, in the model's order; all levels unmodifiable
 */
public record ExtractionResult(Map<String, List<Map<String, Object>>> data) implements TaskResult {
    public ExtractionResult {
        Map<String, List<Map<String, Object>>> copy = new LinkedHashMap<>();
        data.forEach((group, instances) -> {
            List<Map<String, Object>> list = new ArrayList<>(instances.size());
            // LinkedHashMap, not Map.copyOf: values may be null and field order matters to readers.
            instances.forEach(i -> list.add(Collections.unmodifiableMap(new LinkedHashMap<>(i))));
            copy.put(ScoredLabel.requireNonBlank("group", group), List.copyOf(list));
        });
        data = Collections.unmodifiableMap(copy);
    }
}
