package dev.enricher.engine;

import dev.enricher.client.ChatRequest;

/**
 * One HTTP call the engine wants made: which event and task it serves (by sequence number and task index in the
 * lane of the processor that asked) and the request. Immutable, so any thread may send it.
 */
record Call(Lane lane, long seq, int taskIndex, ChatRequest request) {
}
