package dev.enricher.engine;

import java.util.List;
import java.util.Objects;

/**
 * An input record exactly as consumed: what a dead letter must give back byte for byte, and what a pending
 * entry keeps to resume the record after a restart.
 *
 * @param key       the key bytes; null when the record had none
 * @param value     the value bytes; null for a tombstone
 * @param headers   the headers in their order (a key may repeat); never null, unmodifiable
 * @param timestamp the record's timestamp, milliseconds since the epoch
 * @param topic     the source topic
 * @param partition the source partition
 * @param offset    the offset in that partition
 */
public record InputRecord(byte[] key, byte[] value, List<Header> headers, long timestamp, String topic, int partition,
                          long offset) {
    public InputRecord {
        Objects.requireNonNull(topic, "topic");
        headers = headers == null ? List.of() : List.copyOf(headers);
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
    }

    /** Where the record came from, for messages: {@code topic-partition@offset}. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    /**
     * One record header.
     *
     * @param key   never null
     * @param value null when the header has no value
     */
    public record Header(String key, byte[] value) {
        public Header {
            Objects.requireNonNull(key, "header key");
        }
    }
}
