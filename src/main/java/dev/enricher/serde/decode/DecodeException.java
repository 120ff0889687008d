package dev.enricher.serde.decode;

import java.util.Objects;

/**
 * Why a raw input record could not be turned into a {@link DecodedEvent}. The only exception an
 * {@link InputDecoder} throws.
 *
 * <p>Two kinds, told apart by {@link #recordAtFault()}:
 * <ul>
 * <li>The record is bad (every {@link Reason} but {@link Reason#REGISTRY_UNAVAILABLE}): decoding it again gives the
 *     same answer, so the pipeline dead-letters it at once with {@link #reason()} and {@link #getMessage()}.</li>
 * <li>The record may be fine but something it depends on is down ({@link Reason#REGISTRY_UNAVAILABLE}): the
 *     pipeline must not dead-letter it; it retries later or pauses, as for an API outage (design.md: errors are
 *     sorted by who can fix them).</li>
 * </ul>
 *
 * <p>The message says what was expected, what was found and where, and names the setting to change when a
 * setting is the likely cause. It describes the input by type and length and never quotes its content, which may
 * hold personal data.
 */
public final class DecodeException extends RuntimeException {

    /** What is wrong with the input. */
    public enum Reason {
        /** The record value is null (a tombstone). */
        NULL_VALUE,
        /** The record value has zero bytes. */
        EMPTY_VALUE,
        /** The value is over {@code input.max-bytes}. */
        TOO_LARGE,
        /** The value (or an Avro string in it) is not well-formed UTF-8, or a JSON string holds an unpaired surrogate. */
        NOT_UTF8,
        /** The value is not one well-formed JSON document. */
        NOT_JSON,
        /** The JSON document is an array, a string, a number... rather than an object. */
        NOT_A_JSON_OBJECT,
        /** Nothing at the text pointer. */
        NO_TEXT_FIELD,
        /** Something other than a string at the text pointer. */
        TEXT_NOT_A_STRING,
        /** The text is empty or only whitespace. */
        EMPTY_TEXT,
        /** The id is an object or an array. */
        ID_NOT_SCALAR,
        /** The first byte is not the Confluent wire format's magic byte 0. */
        WRONG_MAGIC_BYTE,
        /** The value ends before the 5-byte header or before the Avro record is complete. */
        TRUNCATED,
        /** Bytes are left after the Avro record. */
        TRAILING_BYTES,
        /** The registry does not know the schema id in the header (or holds a schema that cannot be used). */
        UNKNOWN_SCHEMA_ID,
        /** The payload cannot be read as Avro binary of its writer schema. */
        NOT_AVRO,
        /** The writer schema is not a record, or its text field is missing, not a string, or null. */
        NO_TEXT_IN_RECORD,
        /**
         * The schema registry could not be asked (unreachable, unauthorized, erroring). Not the record's fault:
         * {@link #recordAtFault()} is false for this reason only.
         */
        REGISTRY_UNAVAILABLE;

        /** False only for {@link #REGISTRY_UNAVAILABLE}: retry or pause, never dead-letter. */
        public boolean recordAtFault() {
            return this != REGISTRY_UNAVAILABLE;
        }
    }

    private final Reason reason;

    public DecodeException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * @param cause kept for operators' stack traces; pass only causes whose messages do not quote the input
     *              (registry failures, never parser exceptions)
     */
    public DecodeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Whether decoding this record again can never succeed. True: dead-letter it now. False (the registry is
     * unavailable): keep the record, retry later or pause the instance.
     */
    public boolean recordAtFault() {
        return reason.recordAtFault();
    }
}
