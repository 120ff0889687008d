package dev.enricher.tools;

/**
 * How far a {@link DeadLetterReplayer} got.
 *
 * @param read          dead-letter records read in the run's range
 * @param replayed      sent to the target topic in committed transactions (in a dry run: would have been)
 * @param skippedFilter not selected by the category or time filters
 * @param refused       selected, but replayed too often already (or with an unreadable replay count)
 * @param unreadable    not a dead letter: a value that does not decode, or a tombstone
 */
public record ReplayCounts(long read, long replayed, long skippedFilter, long refused, long unreadable) {
}
