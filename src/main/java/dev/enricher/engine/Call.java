package dev.enricher.engine;

import dev.enricher.client.ChatRequest;

/**
 * One HTTP call the engine wants made: which event and task it serves (by sequence number and task index in the
 * lane of the processor that asked), which piece of a chunked long input (-1 for the whole input) and the request. Immutable, so any thread may send it.
 */
record Call(Lane lane, long seq, int taskIndex, int piece, ChatRequest request) {
    /** A call about a task's whole input ({@link #piece} -1). */
    Call(Lane lane, long seq, int taskIndex, ChatRequest request) {
        this(lane, seq, taskIndex, -1, request);
    }
}
