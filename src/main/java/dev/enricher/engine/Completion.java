package dev.enricher.engine;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ZeroGpuException;

/**
 * How one call ended, handed from a client thread to the stream thread. Exactly one of {@code completion} and
 * {@code error} is set.
 *
 * @param piece   the piece of a chunked long input the call was about; -1 for the whole input
 * @param sentAt  epoch ms the call was sent
 * @param endedAt epoch ms the answer (or failure) arrived
 */
record Completion(long seq, int taskIndex, int piece, ChatCompletion completion, ZeroGpuException error, long sentAt,
                  long endedAt) {
}
