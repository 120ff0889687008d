package dev.enricher.engine;

/** Why the circuit is {@linkplain CircuitState#OPEN open}; each cause has its own way of closing it. */
public enum CircuitCause {
    /** The API refused the service itself (401, 403, quota): probes until one is answered, a person fixes the cause. */
    OPERATOR,
    /** The API looks down (calls in a row failed with timeouts, lost connections, 5xx): probes until one is answered. */
    OUTAGE,
    /**
     * A spend budget is used up: a policy, not a fault. No probes; it closes when the budget's window ends, and only
     * then.
     */
    BUDGET
}
