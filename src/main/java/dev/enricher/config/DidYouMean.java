package dev.enricher.config;

import java.util.List;
import java.util.Optional;

/** The "did you mean" of a misspelt name: the known name fewest edits away, if any is close. */
final class DidYouMean {
    /** Farther than this, a suggestion is more likely to mislead than to help. */
    static final int MAX_EDITS = 3;

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
            int d = distance(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= MAX_EDITS ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance, for "did you mean"; a dozen lines not worth a dependency. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
