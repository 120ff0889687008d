package dev.enricher.tasks;

/**
 * The typed result of one {@link EnrichmentTask}; each task type has its own immutable record, validated when
 * built. Its Avro form is its {@link TaskType}'s business ({@link TaskType#toAvro}); {@code TaskTypeContractTest}
 * checks every registered type's mapping, which is why this interface need not be sealed.
 */
public interface TaskResult {
}
