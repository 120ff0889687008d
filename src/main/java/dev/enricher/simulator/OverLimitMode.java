package dev.enricher.simulator;

/** What the simulator does with input over a model's token limit (the real API has been seen doing each). */
public enum OverLimitMode {
    /** Answer 420 with code {@code context_length_exceeded}. */
    ERROR_420,
    /** Answer 400 with code {@code context_length_exceeded}. */
    ERROR_400,
    /** Silently keep only the first tokens of the input and answer as usual. */
    TRUNCATE
}
