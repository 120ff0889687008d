package dev.enricher.engine;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.results.Answer;
import dev.enricher.results.CallKey;

/**
 * How one call ended, handed from a client thread to the stream thread. Exactly one of {@code completion} and
 * {@code error} is set.
 *
 * @param piece   the piece of a chunked long input the call was about; -1 for the whole input
 * @param sentAt  epoch ms the call was sent
 * @param endedAt epoch ms the answer (or failure) arrived
 * @param key     the call's content key; null when call results are not kept
 * @param answer  the answer as it is to be recorded under {@code key}, once the task accepts it; null unless this
 *                completion was paid for now (not served from stored answers) and results are kept
 * @param cached  true when the answer was served without a call of this event's own: a stored answer, or the answer of
 *                an identical call in flight at the same time
 */
record Completion(long seq, int taskIndex, int piece, ChatCompletion completion, ZeroGpuException error, long sentAt,
                  long endedAt, CallKey key, Answer answer, boolean cached) {
    /** A call's own completion or failure, nothing to record. */
    Completion(long seq, int taskIndex, int piece, ChatCompletion completion, ZeroGpuException error, long sentAt,
               long endedAt) {
        this(seq, taskIndex, piece, completion, error, sentAt, endedAt, null, null, false);
    }
}
