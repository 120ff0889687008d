package dev.enricher.engine;

/**
 * Accounting of the model calls one task made for one event.
 *
 * @param completionId     the completion's id from the answer; null when absent or when no call succeeded
 * @param requestId        the API request id of the last attempt; null when absent
 * @param promptTokens     prompt tokens of the successful call; null when not reported
 * @param completionTokens completion tokens of the successful call; null when not reported
 * @param latencyMs        duration of the last attempt in milliseconds
 * @param attempts         attempts made (>= 1)
 * @param firstAttemptAt   when the first attempt was sent, epoch milliseconds
 * @param lastAttemptAt    when the last attempt was sent, epoch milliseconds
 * @param cached           true when the answer came from the stored call results (or an identical call in flight):
 *                         not paid for by this event; the request id and tokens are those of the call that paid
 */
public record CallInfo(String completionId, String requestId, Integer promptTokens, Integer completionTokens,
                       long latencyMs, int attempts, long firstAttemptAt, long lastAttemptAt, boolean cached) {
    /** A call paid for by this event. */
    public CallInfo(String completionId, String requestId, Integer promptTokens, Integer completionTokens,
                    long latencyMs, int attempts, long firstAttemptAt, long lastAttemptAt) {
        this(completionId, requestId, promptTokens, completionTokens, latencyMs, attempts, firstAttemptAt,
                lastAttemptAt, false);
    }
}
