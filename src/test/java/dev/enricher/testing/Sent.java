package dev.enricher.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;

/**
 * One record a test produced to the input topic through {@link PipelineFixture}, with where it landed: what an
 * {@link OutputReader} matches the outputs to.
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
public record Sent(String key, String id, String text, byte[] value, int partition, long offset, long timestamp,
                   List<Hdr> headers) {
    public Sent {
        headers = List.copyOf(headers);
    }

    /** Where it landed: what the outputs of this record name as their source. */
    public SourceRef ref() {
        return new SourceRef(partition, offset);
    }

    /** Input partition and offset: what identifies an input record in the outputs (one input topic per test). */
    public record SourceRef(int partition, long offset) {
        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    /** A header as a comparable value (byte arrays are not). */
    public record Hdr(String key, String value) {
        public Hdr {
            Objects.requireNonNull(key);
        }

        /** The header as UTF-8 text; a null value stays null. */
        public static Hdr of(Header h) {
            return new Hdr(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "Sent[key=" + key + ", id=" + id + ", " + partition + "@" + offset + "]";
    }
}
