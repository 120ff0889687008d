package dev.enricher.engine;

import java.util.function.LongConsumer;

/**
 * Decides when a finished event may leave. Entries are identified by their admission sequence number and added in
 * that order. The two policies ({@link KeyOrderedQueue}, {@link UnorderedQueue}) share one contract test.
 *
 * <p>Not thread-safe: owned by one stream task's processor, used on its stream thread only.
 */
interface EmissionQueue {

    /**
     * Adds an admitted event.
     *
     * @param seq its sequence number, greater than every one added before
     * @param key its key bytes; null when the record has no key
     */
    void add(long seq, byte[] key);

    /** Marks an added, unfinished event finished; it becomes ready when its turn comes. */
    void finished(long seq);

    /** Removes every ready event and hands it to {@code out} in the order they must leave. */
    void drainReady(LongConsumer out);

    /** True when {@code seq}, once finished, would be ready at once (nothing earlier holds it back). */
    boolean wouldLeaveAt(long seq);

    /** Events added and not yet drained. */
    int size();
}
