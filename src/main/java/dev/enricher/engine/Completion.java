package dev.enricher.engine;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ZeroGpuException;

/**
 * How one call ended, handed from a client thread to the stream thread. Exactly one of {@code completion} and
 * {@code error} is set.
 *
 * @param sentAt  epoch ms the call was sent
 * @param endedAt epoch ms the answer (or failure) arrived
 */
record Completion(long seq, int taskIndex, ChatCompletion completion, ZeroGpuException error, long sentAt,
                  long endedAt) {
}
