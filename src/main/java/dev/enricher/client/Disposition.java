package dev.enricher.client;

/** Who can fix a failure, and so what the caller does with it. */
public enum Disposition {
    /** The record itself is the cause (invalid body, too long, unknown model, unparseable answer): dead-letter it at once. */
    RECORD,
    /** Time fixes it (rate limit, 5xx, timeout, reset): retry with backoff, then dead-letter. */
    TRANSIENT,
    /** An operator must act (bad key, no quota): stop sending, alert, lose nothing. */
    OPERATOR
}
