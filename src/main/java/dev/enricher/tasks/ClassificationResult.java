package dev.enricher.tasks;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label chosen per axis by the GLiNER2 {@code classification} usecase.
 *
 * @param classification axis -> label, in the model's order; labels are kept as given (not checked against
 *                       the schema)
 */
public record ClassificationResult(Map<String, String> classification) implements TaskResult {
    public ClassificationResult {
        Map<String, String> copy = new LinkedHashMap<>();
        classification.forEach((axis, label) ->
                copy.put(ScoredLabel.requireNonBlank("axis", axis), ScoredLabel.requireNonBlank("label", label)));
        classification = Collections.unmodifiableMap(copy);
    }
}
