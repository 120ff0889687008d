package dev.enricher.engine;

import java.util.List;

/**
 * Where the engine reports each event's way through it, for tracing (the {@code tracing} package implements it with
 * OpenTelemetry). Set on the engine before start; when none is set (tracing off, the default) the engine makes no
 * call and keeps nothing for it: one null check per step.
 *
 * <p>The engine calls it on the stream thread that owns the event; an {@link EventTrace} is then used on that thread
 * too, and a {@link CallTrace} on whichever thread sends or answers its call.
 */
public interface EventTracer {

    /**
     * A new event was admitted. Its parent is the W3C {@code traceparent} (and {@code tracestate}) among {@code in}'s
     * headers, if any.
     *
     * @param tasks the configured tasks' names
     */
    EventTrace admitted(InputRecord in, List<String> tasks);

    /**
     * An event admitted earlier was taken up again from the pending store, by a new owner of its stream task (a
     * restart, a crash, a rebalance): its trace goes on under the event's earlier span.
     *
     * @param stored the {@link EventTrace#traceparent()} kept in its pending entry; null for an entry written with
     *               tracing off (then it is treated as {@link #admitted})
     */
    EventTrace resumed(InputRecord in, List<String> tasks, String stored);

    /** One event's trace, from admission to output. Stream thread only. */
    interface EventTrace {

        /** The W3C {@code traceparent} of the event's span: kept in its pending entry and put on its output. */
        String traceparent();

        /**
         * A call for task {@code task} is submitted: its wait for a call slot starts now. A retry back-off of the same
         * task and piece still open ends here.
         *
         * @param piece -1 for the task's whole input, else the piece of a chunked long input
         * @param retry how many attempts of the task (or piece) were made before this one
         */
        CallTrace call(String task, String model, int piece, int retry);

        /** Task {@code task} (piece {@code piece}) failed transiently and waits until {@code dueMillis} to retry. */
        void backoff(String task, int piece, long dueMillis, String reason);

        /**
         * Every task of the event ended now.
         *
         * @param waitsForKey true when the event must wait for an earlier event of its key before it may leave
         */
        void finished(boolean waitsForKey);

        /**
         * The event left as its output (its span ends).
         *
         * @param outcome            "enriched" or "dead_lettered"
         * @param deadLetterCategory the dead letter's category; null when enriched
         * @param reason             the dead letter's reason; null when enriched
         */
        void ended(String outcome, String deadLetterCategory, String reason);

        /** The event's stream task closed before it left (a rebalance, a shutdown): its new owner resumes it. */
        void handedOver();
    }

    /**
     * One call's trace: its wait for a slot, then each attempt on the wire. Any thread, one at a time (a call is
     * handed from thread to thread, never used by two at once).
     */
    interface CallTrace {

        /**
         * The call goes on the wire now: the slot wait ends and an attempt starts.
         *
         * @return the {@code traceparent} the HTTP request carries to the API
         */
        String sending();

        /**
         * The call was answered. When no attempt was {@link #sending sent} (a stored answer, or an identical call's
         * answer), {@code cached} is true.
         *
         * @param costUsd what the answer cost at the catalog's prices; negative when not known
         */
        void answered(dev.enricher.client.ChatCompletion completion, double costUsd, boolean cached);

        /**
         * The attempt failed.
         *
         * @param heldBack true when the call was put back unanswered (the circuit opened): it waits for a slot again
         */
        void failed(dev.enricher.client.ZeroGpuException error, boolean heldBack);
    }
}
