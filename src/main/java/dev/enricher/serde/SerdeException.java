package dev.enricher.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Every failure of {@link AvroSerializer} and {@link AvroDeserializer}, typed by what happened. Extends Kafka's
 * {@link SerializationException}, so Kafka's and Kafka Streams' deserialization handlers see it as theirs.
 * The message names the topic, the schema id when there is one, and what was expected; it never quotes
 * payload bytes (they may hold personal data).
 *
 * <p>{@link #isRecordFault()} says who can fix it: the record's producer (dead-letter the record) or the
 * operator / time (the registry is down or a schema is not registered: retry or stop, never dead-letter).
 */
public final class SerdeException extends SerializationException {

    /** What went wrong. */
    public enum Reason {
        /** Null or zero-length bytes where a framed Avro record was expected. */
        NULL_OR_EMPTY(true),
        /** The first byte is not the wire format's magic byte 0: not written by a Confluent-compatible serializer. */
        WRONG_MAGIC_BYTE(true),
        /** Fewer than the 5 bytes of the header (magic byte and schema id). */
        TRUNCATED_HEADER(true),
        /** The registry has no schema with the id in the header. */
        UNKNOWN_SCHEMA_ID(true),
        /** The Avro payload ends before the record does. */
        TRUNCATED_PAYLOAD(true),
        /** The payload is not valid Avro of the writer schema (bad lengths, union index, enum index, UTF-8...). */
        NOT_AVRO(true),
        /** The record ends before the payload does: bytes left over after a complete record. */
        TRAILING_BYTES(true),
        /** The writer schema cannot be read as the reader schema (Avro schema resolution refuses it). */
        INCOMPATIBLE_SCHEMA(true),
        /** The registry could not be asked (unreachable, unauthorized, 5xx): retry later or fix the registry. */
        REGISTRY_UNAVAILABLE(false),
        /** Auto-registration is off and the schema is not registered under the subject: register it. */
        SCHEMA_NOT_REGISTERED(false),
        /** The registry refused to register the schema (incompatible with the subject's rule, invalid). */
        SCHEMA_REJECTED(false),
        /** The value could not be encoded with its own schema (a required field is null, wrong type). */
        NOT_SERIALIZABLE(true);

        private final boolean recordFault;

        Reason(boolean recordFault) {
            this.recordFault = recordFault;
        }

        /** True when the record itself is bad (dead-letter it); false when the registry or its setup is. */
        public boolean isRecordFault() {
            return recordFault;
        }
    }

    /** Schema id value when there is none (the header could not be read, or serializing before an id was known). */
    public static final int NO_SCHEMA_ID = -1;

    private final Reason reason;
    private final String topic;
    private final int schemaId;

    public SerdeException(Reason reason, String topic, int schemaId, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.topic = topic;
        this.schemaId = schemaId;
    }

    public SerdeException(Reason reason, String topic, String message) {
        this(reason, topic, NO_SCHEMA_ID, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The topic being read or written; may be null when the caller gave none. */
    public String topic() {
        return topic;
    }

    /** The schema id of the header or of the registry, {@link #NO_SCHEMA_ID} when none is known. */
    public int schemaId() {
        return schemaId;
    }

    /** Shorthand for {@code reason().isRecordFault()}. */
    public boolean isRecordFault() {
        return reason.isRecordFault();
    }
}
