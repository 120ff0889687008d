package dev.enricher.results;

import java.time.Duration;
import java.util.Objects;

/**
 * How this instance keeps call results: whether at all, the topic, and the local store's bounds.
 *
 * @param enabled           false: every call is made, nothing is recorded or looked up
 * @param topic             the compacted topic the answers are written to and read from
 * @param partitions        partitions of the topic when this service creates it
 * @param replicationFactor replication factor when this service creates it; -1 for the broker's default
 * @param ttl               how long an answer is served after it was stored (also the topic's retention)
 * @param maxBytes          the bound of the local store, roughly in bytes of heap
 * @param loadTimeout       how long the start waits for the local store to have read the topic to its end
 */
public record CallResultSettings(boolean enabled, String topic, int partitions, short replicationFactor, Duration ttl,
                                 long maxBytes, Duration loadTimeout) {
    /** Seven days: long enough for a replay of last week's dead letters, short enough to follow model updates. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    /** 256 MiB of heap by default. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    public CallResultSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(loadTimeout, "loadTimeout");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new IllegalArgumentException("replication factor must be >= 1 (or -1 for the broker's default), was "
                    + replicationFactor);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("max bytes must be >= 1, was " + maxBytes);
        }
    }

    /** Off. */
    public static CallResultSettings disabled() {
        return new CallResultSettings(false, "unused", 1, (short) -1, DEFAULT_TTL, DEFAULT_MAX_BYTES,
                Duration.ofMinutes(5));
    }

    /** On, with the defaults, on {@code topic}. */
    public static CallResultSettings on(String topic) {
        return new CallResultSettings(true, topic, 6, (short) -1, DEFAULT_TTL, DEFAULT_MAX_BYTES,
                Duration.ofMinutes(5));
    }

    /** These settings with another TTL. */
    public CallResultSettings withTtl(Duration t) {
        return new CallResultSettings(enabled, topic, partitions, replicationFactor, t, maxBytes, loadTimeout);
    }
}
