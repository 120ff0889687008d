package dev.enricher.engine;

import dev.enricher.client.ChatRequest;
import dev.enricher.results.CallKey;

/**
 * One HTTP call the engine wants made: which event and task it serves (by sequence number and task index in the
 * lane of the processor that asked), which piece of a chunked long input (-1 for the whole input) and the request.
 * Immutable, so any thread may send it.
 *
 * @param task the task's name (for metrics and stored answers)
 * @param key  the call's content key, under which its answer is stored and looked up; null when call results are
 *             not kept
 */
record Call(Lane lane, long seq, int taskIndex, int piece, ChatRequest request, String task, CallKey key) {
    /** A call about a task's whole input ({@link #piece} -1), not looked up. */
    Call(Lane lane, long seq, int taskIndex, ChatRequest request) {
        this(lane, seq, taskIndex, -1, request, "", null);
    }
}
