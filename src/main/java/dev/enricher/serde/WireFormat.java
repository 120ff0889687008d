package dev.enricher.serde;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema's global id as a 4-byte big-endian int, then
 * the Avro binary encoding of the record with that schema. Every Confluent-compatible serializer (Confluent,
 * Apicurio in ccompat mode, Karapace, Redpanda) writes it.
 */
public final class WireFormat {
    /** The first byte of every framed record. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro payload: the magic byte and the schema id. */
    public static final int HEADER_LENGTH = 5;

    private WireFormat() {
    }

    /**
     * Where a framed record's parts are.
     *
     * @param schemaId      the writer schema's global id
     * @param payloadOffset index of the first Avro byte (always {@link #HEADER_LENGTH})
     * @param payloadLength number of Avro bytes, >= 0
     */
    public record Framing(int schemaId, int payloadOffset, int payloadLength) {
    }

    /** Writes the header for {@code schemaId} into {@code target} at {@code offset}. */
    public static void writeHeader(byte[] target, int offset, int schemaId) {
        target[offset] = MAGIC_BYTE;
        target[offset + 1] = (byte) (schemaId >>> 24);
        target[offset + 2] = (byte) (schemaId >>> 16);
        target[offset + 3] = (byte) (schemaId >>> 8);
        target[offset + 4] = (byte) schemaId;
    }

    /** The 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        byte[] h = new byte[HEADER_LENGTH];
        writeHeader(h, 0, schemaId);
        return h;
    }

    /**
     * Reads the header of {@code data}; the payload is not looked at.
     *
     * @param topic for the message only; may be null
     * @throws SerdeException {@link SerdeException.Reason#NULL_OR_EMPTY}, {@link SerdeException.Reason#WRONG_MAGIC_BYTE}
     *                        or {@link SerdeException.Reason#TRUNCATED_HEADER}
     */
    public static Framing parse(String topic, byte[] data) {
        if (data == null || data.length == 0) {
            throw new SerdeException(SerdeException.Reason.NULL_OR_EMPTY, topic,
                    "record on topic " + topic + " has " + (data == null ? "a null" : "an empty")
                            + " value where a framed Avro record (magic byte 0, 4-byte schema id, Avro) was expected");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerdeException(SerdeException.Reason.WRONG_MAGIC_BYTE, topic,
                    "record on topic " + topic + " starts with byte 0x" + String.format("%02x", data[0] & 0xff)
                            + ", expected the wire format's magic byte 0x00: it was not written by a "
                            + "Confluent-compatible Avro serializer (plain JSON or text? check the producer's serializer)");
        }
        if (data.length < HEADER_LENGTH) {
            throw new SerdeException(SerdeException.Reason.TRUNCATED_HEADER, topic,
                    "record on topic " + topic + " is " + data.length + " bytes long, shorter than the "
                            + HEADER_LENGTH + "-byte wire format header (magic byte and 4-byte schema id)");
        }
        return new Framing(schemaId(data), HEADER_LENGTH, data.length - HEADER_LENGTH);
    }

    /** The big-endian schema id in bytes 1-4 of a header whose magic byte and length were checked. */
    public static int schemaId(byte[] data) {
        return ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
    }
}
