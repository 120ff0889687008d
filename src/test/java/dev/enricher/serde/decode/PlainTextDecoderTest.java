package dev.enricher.serde.decode;

import static dev.enricher.serde.decode.JsonInputDecoderTest.failure;
import static dev.enricher.serde.decode.JsonInputDecoderTest.hex;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.serde.decode.DecodeException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlainTextDecoderTest {
    private final PlainTextDecoder decoder = new PlainTextDecoder();

    @Test
    void theValueIsTheTextAsItIs() {
        String text = "  Grüße 👋 {\"not\":\"json\"}\n";
        DecodedEvent e = decoder.decode("raw", text.getBytes(UTF_8));
        assertThat(e.text()).isEqualTo(text);
        assertThat(e.id()).isNull();
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void aByteOrderMarkIsDropped() {
        assertThat(decoder.decode("raw", "\uFEFFhi".getBytes(UTF_8)).text()).isEqualTo("hi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FF", "C3 28", "C0 AF", "ED B0 80", "F8 88 80 80 80", "E2 28 A1"})
    void malformedUtf8IsRefusedNotReplaced(String bytes) {
        byte[] value = AvroBytes.concat("ok ".getBytes(UTF_8), hex(bytes));
        DecodeException e = failure(decoder, value);
        assertThat(e.reason()).isEqualTo(Reason.NOT_UTF8);
        assertThat(e.getMessage()).contains("byte offset 3");
    }

    @Test
    void blankNullEmptyAndTooLarge() {
        assertThat(failure(decoder, " \n\t\u3000".getBytes(UTF_8)).reason()).isEqualTo(Reason.EMPTY_TEXT);
        assertThat(failure(decoder, "\uFEFF".getBytes(UTF_8)).reason()).isEqualTo(Reason.EMPTY_TEXT);
        assertThat(failure(decoder, null).reason()).isEqualTo(Reason.NULL_VALUE);
        assertThat(failure(decoder, new byte[0]).reason()).isEqualTo(Reason.EMPTY_VALUE);
        DecodeException big = failure(new PlainTextDecoder(10), "01234567890".getBytes(UTF_8));
        assertThat(big.reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(big.getMessage()).contains("11 bytes", "10 bytes", "input.max-bytes");
        assertThat(new PlainTextDecoder(10).decode("raw", "0123456789".getBytes(UTF_8)).text()).hasSize(10);
    }
}
