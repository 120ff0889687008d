package dev.enricher.tasks;

/** The typed result of one {@link EnrichmentTask}; each model family has its own immutable record. */
public interface TaskResult {
}
