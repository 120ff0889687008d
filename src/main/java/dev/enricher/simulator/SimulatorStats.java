package dev.enricher.simulator;

import java.util.Map;

/**
 * A snapshot of the simulator's counters for {@code /v1/chat/completions}, since start or the last reset.
 * Counters are read one by one without a global lock, so a snapshot taken under load may be off by the
 * requests that completed while it was taken.
 *
 * @param requests    requests received
 * @param byStatus    answers sent by HTTP status (never null; sorted by status)
 * @param resets      connections reset on purpose (reset fault)
 * @param timeouts    requests deliberately left unanswered (no-answer fault)
 * @param malformed   200 answers with a malformed body
 * @param overloaded  requests refused with 503 because the queue behind the concurrency ceiling was full
 * @param inFlight    requests between arrival and their response being sent or their connection dying
 *                    (queued, held and faulted ones included)
 * @param maxInFlight the highest {@code inFlight} seen
 * @param queued      requests waiting behind the concurrency ceiling right now
 * @param held        requests held by the no-answer fault right now
 */
public record SimulatorStats(long requests, Map<Integer, Long> byStatus, long resets, long timeouts, long malformed,
                             long overloaded, int inFlight, int maxInFlight, int queued, int held) {
    public SimulatorStats {
        byStatus = byStatus == null ? Map.of() : Map.copyOf(byStatus);
    }

    /** Answers sent with {@code status}, 0 when none. */
    public long count(int status) {
        return byStatus.getOrDefault(status, 0L);
    }
}
