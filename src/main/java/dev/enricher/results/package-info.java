/**
 * Durable call results: every accepted model answer, kept under a content key so that the same request is never
 * paid for twice: not for a repeated text, a dead-letter replay, a re-processing from an earlier offset, nor a call
 * re-sent after a crash or a rebalance.
 *
 * <h2>Design note</h2>
 * An answer is recorded under a {@link dev.enricher.results.CallKey} (SHA-256 of the model, the task's fingerprint and
 * the exact request body, so a changed prompt or option never reuses an old answer) as a record of a compacted topic.
 * The engine writes it from the stream thread through its topology, so under {@code exactly_once_v2} it commits in the
 * transaction that also stores the answer in the pending store (and, later or at once, the output): it is durable
 * exactly when the answer is. Every instance reads the topic into its {@link dev.enricher.results.CallResults} (a
 * Caffeine cache bounded in bytes, entries expiring {@code ttl} after they were stored) with a
 * {@link dev.enricher.results.CallResultReader}, which reads it to its end before the instance starts processing, so
 * a restarted instance finds every committed answer. This is the "equivalent on public APIs" of a Kafka Streams global
 * store: a global store can be bounded only by entry count, cannot expire entries, and cannot take an instance's own
 * answers before they come back from the broker, which the coalescing of repeated texts in the same second needs.
 *
 * <p>May use: {@code client} (its public values), Kafka clients, Avro, Caffeine. Nothing of {@code engine} or above:
 * the engine uses this package.
 */
package dev.enricher.results;
