package dev.enricher.engine;

import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns finished events into output records. Called on the stream thread only, by the processor that owns the event,
 * right before it forwards the record and deletes the pending entry in the same step.
 *
 * <p>Implementations must be thread-safe (one instance serves every stream thread) and must not block.
 */
public interface EventSink {

    /**
     * The enriched record for an event whose {@link FinishedEvent#failure()} is null: the input's key, timestamp and
     * headers, the serialized enriched value.
     *
     * @param nowMillis the wall-clock time of completion
     * @throws dev.enricher.serde.SerdeException when the value cannot be serialized (the engine dead-letters the
     *                                           event with category SERIALIZATION instead)
     */
    Record<byte[], byte[]> enriched(FinishedEvent event, long nowMillis);

    /**
     * The dead letter for an event: the input's key, timestamp and headers plus the dead-letter headers, the
     * serialized dead-letter value. The failure is {@code event.failure()}.
     *
     * @param nowMillis the wall-clock time of dead-lettering
     */
    Record<byte[], byte[]> deadLetter(FinishedEvent event, long nowMillis);
}
