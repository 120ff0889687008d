package dev.enricher.tasks;

/**
 * The typed result of one {@link EnrichmentTask}; each model family has its own immutable record, validated
 * when built. Sealed, so that a consumer (the Avro mapping of the enriched record) can switch over every kind
 * and the compiler tells it when a kind is added.
 */
public sealed interface TaskResult permits IabResult, IabEnrichedResult, FollowupQuestionsResult, PiiResult,
        EntitiesResult, ExtractionResult, ClassificationResult, ZeroShotResult, TextResult, ThinkingResult {
}
