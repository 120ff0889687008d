package dev.enricher.simulator;

/** How the follow-up-questions model writes its list. */
public enum FollowupFormat {
    /** A compact JSON array of strings: the 2026 format. */
    JSON_ARRAY,
    /** One question per line: the older format clients must still accept. */
    NEWLINES
}
