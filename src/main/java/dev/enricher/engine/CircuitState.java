package dev.enricher.engine;

/** Whether the engine sends calls. */
public enum CircuitState {
    /** Sending normally. */
    CLOSED,
    /**
     * Processing is paused and nothing is sent: the API refuses us (401, 403, quota) or is down, and probes alone go
     * out; or a spend budget is used up until its window ends. {@link CircuitCause} says which.
     */
    OPEN
}
