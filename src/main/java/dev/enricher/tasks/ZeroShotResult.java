package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Zero-shot scores from {@code deberta-v3-small}.
 *
 * @param labels every label the model scored, highest score first (ties keep the model's order); at least one
 */
public record ZeroShotResult(List<ScoredLabel> labels) implements TaskResult {
    public ZeroShotResult {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a zero-shot result has at least one label");
        }
        // The model sorts already; sorting again (stably) makes the order an invariant, not a hope.
        List<ScoredLabel> sorted = new ArrayList<>(labels);
        sorted.sort(Comparator.comparingDouble(ScoredLabel::score).reversed());
        labels = List.copyOf(sorted);
    }

    /** The best label. */
    public ScoredLabel top() {
        return labels.get(0);
    }
}
