package dev.enricher.serde.decode;

import dev.enricher.serde.BoundedDecoder;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.util.Utf8;

/**
 * The shared {@link BoundedDecoder} with this package's string policy: text that is not well-formed UTF-8 is a
 * {@link DecodeException} of reason NOT_UTF8 naming where it was, never silently turned into U+FFFD, because the
 * text is what gets enriched and published.
 */
final class StrictUtf8Decoder extends BoundedDecoder {

    StrictUtf8Decoder(BinaryDecoder in, int payloadLength, int maxBytes) {
        super(in, payloadLength, maxBytes);
    }

    @Override
    public String readString() throws IOException {
        Utf8 utf8 = readString(null);
        return RawValue.utf8(utf8.getBytes(), 0, utf8.getByteLength(), "a string in the Avro record");
    }
}
