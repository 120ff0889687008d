package dev.enricher.serde.decode;

import dev.enricher.serde.decode.DecodeException.Reason;

/**
 * Decodes a value that is the text itself, in strict UTF-8 (malformed bytes are {@link Reason#NOT_UTF8}, never
 * replaced). A leading byte order mark is dropped; the rest is kept as it is, whitespace included. Events have no id
 * and no attributes.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlainTextDecoder implements InputDecoder {
    private final int maxBytes;

    /** At most 1 MiB. */
    public PlainTextDecoder() {
        this(DecoderConfig.DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxBytes the largest value accepted, 1 to 64 MiB
     * @throws IllegalArgumentException naming input.max-bytes when out of range
     */
    public PlainTextDecoder(int maxBytes) {
        this.maxBytes = DecoderConfig.checkMaxBytes(maxBytes);
    }

    @Override
    public DecodedEvent decode(String topic, byte[] value) {
        RawValue.check(value, maxBytes, "UTF-8 text");
        String text = RawValue.utf8Value(value);
        if (text.isBlank()) {
            throw new DecodeException(Reason.EMPTY_TEXT, "the record value is only whitespace (" + value.length
                    + " bytes); there is nothing to enrich");
        }
        return DecodedEvent.ofText(text);
    }
}
