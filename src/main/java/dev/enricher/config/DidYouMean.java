package dev.enricher.config;

import java.util.List;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/** The "did you mean" of a misspelt name: the known name fewest edits away, if any is close. */
final class DidYouMean {
    /** Farther than this, a suggestion is more likely to mislead than to help. */
    private static final int MAX_EDITS = 3;

    /** commons-text's, bounded: it stops early and answers -1 beyond {@link #MAX_EDITS}. Immutable, so shared. */
    private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(MAX_EDITS);

    private DidYouMean() {
    }

    /**
     * The name in {@code known} at the smallest Levenshtein distance from {@code name}, at most {@link #MAX_EDITS}
     * edits away; on a tie, the first in {@code known}. Empty when none is that close.
     */
    static Optional<String> nearest(String name, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = DISTANCE.apply(name, candidate);
            if (d >= 0 && d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return Optional.ofNullable(best);
    }
}
