package dev.enricher.it;

import java.util.List;
import java.util.Objects;

/**
 * One record the test produced to the input topic, with where it landed.
 *
 * @param key       the key; null for none
 * @param id        the event's {@code id} field; null for raw (bad) records
 * @param text      the event's text; null for raw (bad) records
 * @param value     the value bytes as sent; null for a tombstone
 * @param partition where it landed
 * @param offset    its offset there
 * @param timestamp its timestamp
 * @param headers   its headers, as sent
 */
record Sent(String key, String id, String text, byte[] value, int partition, long offset, long timestamp,
            List<Hdr> headers) {
    Sent {
        headers = List.copyOf(headers);
    }

    SourceRef ref() {
        return new SourceRef(partition, offset);
    }

    /** Input partition and offset: what identifies an input record in the outputs (one input topic per test). */
    record SourceRef(int partition, long offset) {
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** A header as a comparable value (byte arrays are not). */
    record Hdr(String key, String value) {
        Hdr {
            Objects.requireNonNull(key);
        }

        static Hdr of(org.apache.kafka.common.header.Header h) {
            return new Hdr(h.key(), h.value() == null ? null
                    : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "Sent[key=" + key + ", id=" + id + ", " + partition + "@" + offset + "]";
    }
}
