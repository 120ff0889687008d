package dev.enricher.serde.decode;

import dev.enricher.serde.WireFormat;
import dev.enricher.serde.decode.DecodeException.Reason;

/**
 * The Confluent wire format's header ({@link WireFormat}), checked with this package's {@link DecodeException}s
 * and the hints a person feeding the wrong input format needs.
 *
 * @param schemaId      the writer schema's id
 * @param payloadOffset where the Avro binary starts in the value (always {@value #HEADER_LENGTH})
 */
record ConfluentFrame(int schemaId, int payloadOffset) {
    static final byte MAGIC_BYTE = WireFormat.MAGIC_BYTE;
    static final int HEADER_LENGTH = WireFormat.HEADER_LENGTH;

    /** The header of {@code value} (non-null, non-empty). */
    static ConfluentFrame parse(byte[] value) {
        if (value[0] != MAGIC_BYTE) {
            throw new DecodeException(Reason.WRONG_MAGIC_BYTE, "expected the Confluent wire format (magic byte 0, 4-byte"
                    + " schema id, Avro binary), found first byte 0x" + String.format("%02x", value[0] & 0xFF)
                    + (value[0] == '{' ? " ('{', like JSON: if the topic carries JSON, set input.format=json)"
                    : "; the producer must use a Confluent-compatible Avro serializer"));
        }
        if (value.length < HEADER_LENGTH) {
            throw new DecodeException(Reason.TRUNCATED, "the value is " + value.length + " bytes, shorter than the "
                    + HEADER_LENGTH + "-byte Confluent header (magic byte and schema id)");
        }
        return new ConfluentFrame(WireFormat.schemaId(value), HEADER_LENGTH);
    }
}
