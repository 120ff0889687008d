package dev.enricher.engine;

/**
 * In which order finished events leave. Chosen once, here: each mode names the {@link EmissionQueue} it uses, so the
 * engine never branches on the mode.
 */
public enum Ordering {
    /**
     * Per-key FIFO (the default): an event leaves only after every earlier event of the same key, dead letters
     * included. Calls for one key still run concurrently; only their results wait. Records without a key are not
     * ordered against each other (producers spread them over partitions anyway).
     */
    KEY {
        @Override
        EmissionQueue newQueue() {
            return new KeyOrderedQueue();
        }
    },
    /** Each event leaves as soon as it is finished: the most throughput, no order. */
    UNORDERED {
        @Override
        EmissionQueue newQueue() {
            return new UnorderedQueue();
        }
    };

    abstract EmissionQueue newQueue();
}
