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
 * @param body the request's JSON body as written for the key (the transport sends these bytes); null when not
 *             written yet. Never modified.
 * @param trace the call's trace; null when tracing is off
 */
record Call(Lane lane, long seq, int taskIndex, int piece, ChatRequest request, String task, CallKey key, byte[] body,
            EventTracer.CallTrace trace) {
    /** A call about a task's whole input ({@link #piece} -1), not looked up. */
    Call(Lane lane, long seq, int taskIndex, ChatRequest request) {
        this(lane, seq, taskIndex, -1, request, "", null, null, null);
    }

    /** A call whose body is written by the transport. */
    Call(Lane lane, long seq, int taskIndex, int piece, ChatRequest request, String task, CallKey key) {
        this(lane, seq, taskIndex, piece, request, task, key, null, null);
    }
}
