package dev.enricher.engine;

/** What happens to an event when one of its tasks fails for good. */
public enum TaskFailurePolicy {
    /** The whole event goes to the dead-letter topic (the default): downstream sees only complete records. */
    DEAD_LETTER,
    /**
     * The event is published with the results that succeeded and the failed tasks listed in {@code failed_tasks};
     * it becomes a dead letter only when every task failed.
     */
    PUBLISH_PARTIAL
}
