package dev.enricher.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * How a subject is named from the topic and the record's schema, as Confluent's serializers do, so
 * that this service's subjects are where downstream tools look for them.
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema per topic (the default). */
    TOPIC {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return Objects.requireNonNull(topic, "topic") + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one schema per record type, shared across topics. */
    RECORD {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return Objects.requireNonNull(schema, "schema").getFullName();
        }
    },
    /** {@code <topic>-<full name>}: several record types per topic. */
    TOPIC_RECORD {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return Objects.requireNonNull(topic, "topic") + "-" + Objects.requireNonNull(schema, "schema").getFullName();
        }
    };

    /** The subject for a record of {@code schema} written to {@code topic} as key or value. */
    public abstract String subject(String topic, boolean isKey, Schema schema);
}
