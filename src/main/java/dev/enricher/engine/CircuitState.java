package dev.enricher.engine;

/** Whether the engine sends calls. */
public enum CircuitState {
    /** Sending normally. */
    CLOSED,
    /** The API refuses us (401, 403, quota) or is down: nothing is sent but probes, processing is paused. */
    OPEN
}
