package dev.enricher.chaos;

import java.util.List;

/**
 * What the checker found, from the topics alone.
 *
 * @param inputs           records in the input topic
 * @param enriched         records in the enriched topic
 * @param deadLettered     records in the dead-letter topic
 * @param lost             inputs with no output at all
 * @param duplicates       outputs beyond the first for an input
 * @param misattributed    enriched records whose id, text or results are not those of the input they name, or that
 *                         name no input
 * @param outOfOrder       outputs of a key that left before an earlier input of the same key
 * @param wrongDeadLetters dead letters of good inputs (an outage, a 429, a restart must not cause one), record faults
 *                         with the wrong category, and record faults that came out enriched
 * @param minimumPaidCalls the calls the inputs need answered, each once
 * @param exactlyOnce      whether duplicates count as a failure (exactly_once_v2) or not (at_least_once)
 * @param examples         the first problems found, one line each, for the report
 */
public record Verdict(long inputs, long enriched, long deadLettered, long lost, long duplicates, long misattributed,
                      long outOfOrder, long wrongDeadLetters, long minimumPaidCalls, boolean exactlyOnce,
                      List<String> examples) {
    public Verdict {
        examples = List.copyOf(examples);
    }

    /** Invariants 1 to 4: every input once (at least once), in key order, with its own answers, no wrong dead letter. */
    public boolean holds() {
        return lost == 0 && (!exactlyOnce || duplicates == 0) && misattributed == 0 && outOfOrder == 0
                && wrongDeadLetters == 0;
    }
}
