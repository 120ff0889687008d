package dev.enricher.serde.decode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.enricher.serde.decode.DecodeException.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonInputDecoderTest {
    private static final String PII = "Jane Doe, 12 Rue de la Paix";
    private final JsonInputDecoder decoder = new JsonInputDecoder();

    static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    static DecodeException failure(InputDecoder decoder, byte[] value) {
        DecodeException e = catchThrowableOfType(DecodeException.class, () -> decoder.decode("raw", value));
        assertThat(e).as("expected a DecodeException").isNotNull();
        assertThat(e.getMessage()).doesNotContain(PII);
        return e;
    }

    @Nested
    class Good {
        @Test
        void textIdAndScalarAttributesInDocumentOrder() {
            DecodedEvent e = decoder.decode("raw", utf8("{\"lang\":\"en\",\"text\":\"hello\",\"id\":\"e-1\",\"n\":3,"
                    + "\"ok\":true,\"score\":1.50,\"meta\":{\"a\":1},\"tags\":[1,2],\"gone\":null}"));
            assertThat(e.text()).isEqualTo("hello");
            assertThat(e.id()).isEqualTo("e-1");
            assertThat(e.attributes()).containsExactly(
                    java.util.Map.entry("lang", "en"), java.util.Map.entry("n", "3"),
                    java.util.Map.entry("ok", "true"), java.util.Map.entry("score", "1.50"));
        }

        @Test
        void numericIdsKeepTheirDigits() {
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\",\"id\":42}")).id()).isEqualTo("42");
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\",\"id\":12345678901234567890123}")).id())
                    .isEqualTo("12345678901234567890123");
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\",\"id\":-7.25}")).id()).isEqualTo("-7.25");
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\",\"id\":true}")).id()).isEqualTo("true");
        }

        @Test
        void absentOrNullIdIsNoId() {
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\"}")).id()).isNull();
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\",\"id\":null}")).id()).isNull();
            assertThat(decoder.decode("raw", utf8("{\"text\":\"t\"}")).attributes()).isEmpty();
        }

        @Test
        void nestedPointers() {
            JsonInputDecoder nested = new JsonInputDecoder("/body/message", "/meta/ids/0", 1024);
            DecodedEvent e = nested.decode("raw", utf8(
                    "{\"body\":{\"message\":\"hi there\"},\"meta\":{\"ids\":[\"x-9\",\"y\"]},\"source\":\"web\"}"));
            assertThat(e.text()).isEqualTo("hi there");
            assertThat(e.id()).isEqualTo("x-9");
            assertThat(e.attributes()).containsExactly(java.util.Map.entry("source", "web"));
        }

        @Test
        void topLevelCustomFieldsAreExcludedFromAttributes() {
            JsonInputDecoder custom = new JsonInputDecoder("/message", "/uuid", 1024);
            DecodedEvent e = custom.decode("raw", utf8("{\"uuid\":7,\"message\":\"m\",\"text\":\"kept\",\"id\":\"kept too\"}"));
            assertThat(e.text()).isEqualTo("m");
            assertThat(e.id()).isEqualTo("7");
            assertThat(e.attributes()).containsExactly(java.util.Map.entry("text", "kept"),
                    java.util.Map.entry("id", "kept too"));
        }

        @Test
        void pointerEscapesAndNoId() {
            JsonInputDecoder custom = new JsonInputDecoder("/a~1b/c~0d", "", 1024);
            DecodedEvent e = custom.decode("raw", utf8("{\"a/b\":{\"c~d\":\"deep\"},\"id\":\"attr now\"}"));
            assertThat(e.text()).isEqualTo("deep");
            assertThat(e.id()).isNull();
            assertThat(e.attributes()).containsEntry("id", "attr now");
        }

        @Test
        void unicodeTextEscapesAndByteOrderMark() {
            String text = "Grüße 👋 日本語 \u2028 ok";
            assertThat(decoder.decode("raw", utf8("{\"text\":\"" + text + "\"}")).text()).isEqualTo(text);
            assertThat(decoder.decode("raw", utf8("{\"text\":\"\\u00e9\\ud83d\\ude00\"}")).text()).isEqualTo("é😀");
            assertThat(decoder.decode("raw", utf8("\uFEFF {\"text\":\"bom\"} \n")).text()).isEqualTo("bom");
        }

        @Test
        void textJustUnderTheLimit() {
            String text = "a".repeat(1000);
            byte[] value = utf8("{\"text\":\"" + text + "\"}");
            assertThat(new JsonInputDecoder("/text", "/id", value.length).decode("raw", value).text()).isEqualTo(text);
        }

        @Test
        void attributesAreUnmodifiable() {
            DecodedEvent e = decoder.decode("raw", utf8("{\"text\":\"t\",\"a\":\"1\"}"));
            assertThat(e.attributes()).isUnmodifiable();
        }
    }

    @Nested
    class Bad {
        @Test
        void nullAndEmptyValues() {
            assertThat(failure(decoder, null).reason()).isEqualTo(Reason.NULL_VALUE);
            assertThat(failure(decoder, new byte[0]).reason()).isEqualTo(Reason.EMPTY_VALUE);
        }

        @Test
        void overTheLimitBeforeParsing() {
            byte[] big = utf8("{\"text\":\"" + "x".repeat(DecoderConfig.DEFAULT_MAX_BYTES) + "\"}");
            DecodeException e = failure(decoder, big);
            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.getMessage()).contains(String.valueOf(big.length), "1048576", "input.max-bytes");
            // Checked before parsing: even garbage over the limit is TOO_LARGE.
            byte[] garbage = new byte[DecoderConfig.DEFAULT_MAX_BYTES + 1];
            Arrays.fill(garbage, (byte) 0xFF);
            assertThat(failure(decoder, garbage).reason()).isEqualTo(Reason.TOO_LARGE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"C3", "FF", "80", "C0 80", "ED A0 80", "F4 90 80 80", "E2 82"})
        void malformedUtf8InsideAString(String hex) {
            byte[] prefix = utf8("{\"text\":\"ab");
            byte[] bad = hex(hex);
            byte[] suffix = utf8("cd\"}");
            byte[] value = AvroBytes.concat(AvroBytes.concat(prefix, bad), suffix);
            DecodeException e = failure(decoder, value);
            assertThat(e.reason()).isEqualTo(Reason.NOT_UTF8);
            assertThat(e.getMessage()).contains("byte offset " + prefix.length);
        }

        @Test
        void unpairedSurrogateEscape() {
            DecodeException e = failure(decoder, utf8("{\"text\":\"ab\\ud800cd\"}"));
            assertThat(e.reason()).isEqualTo(Reason.NOT_UTF8);
            assertThat(e.getMessage()).contains("surrogate", "/text");
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"text\": \"" + PII + "\"", "{text: 1}", "{\"text\":\"" + PII + "\",}",
                "{\"text\":\"a\"} {\"text\":\"b\"}", "{\"text\":\"a\"} trailing", "   ", "{\"text\":\"a\",\"text\":\"b\"}",
                "{\"text\":\"a\\q\"}", "[1,2", "\"" + PII})
        void malformedJson(String json) {
            assertThat(failure(decoder, utf8(json)).reason()).isEqualTo(Reason.NOT_JSON);
        }

        @Test
        void plainTextOnAJsonTopicSaysSo() {
            DecodeException e = failure(decoder, utf8(PII));
            assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
            assertThat(e.getMessage()).contains("input.format=text").contains("line 1");
        }

        @Test
        void tooDeep() {
            String deep = "[".repeat(JsonInputDecoder.MAX_NESTING_DEPTH + 10) + "]".repeat(JsonInputDecoder.MAX_NESTING_DEPTH + 10);
            DecodeException e = failure(decoder, utf8(deep));
            assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
            assertThat(e.getMessage()).contains("nesting depth (101) exceeds the maximum allowed (100)")
                    .doesNotContain("StreamReadConstraints");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[{\"text\":\"a\"}]", "\"" + PII + "\"", "42", "true", "null"})
        void notAnObject(String json) {
            DecodeException e = failure(decoder, utf8(json));
            assertThat(e.reason()).isEqualTo(Reason.NOT_A_JSON_OBJECT);
            assertThat(e.getMessage()).contains("/text", "found a JSON");
        }

        @Test
        void noTextField() {
            DecodeException e = failure(decoder, utf8("{\"message\":\"" + PII + "\"}"));
            assertThat(e.reason()).isEqualTo(Reason.NO_TEXT_FIELD);
            assertThat(e.getMessage()).contains("no text at JSON Pointer /text: the field is missing",
                    "set input.text-pointer");
        }

        @Test
        void noTextAlongANestedPointerSaysWhichStepFailed() {
            JsonInputDecoder nested = new JsonInputDecoder("/body/text", "/id", 1024);
            DecodeException missing = failure(nested, utf8("{\"head\":{}}"));
            assertThat(missing.reason()).isEqualTo(Reason.NO_TEXT_FIELD);
            assertThat(missing.getMessage()).contains("there is nothing at /body");
            DecodeException scalar = failure(nested, utf8("{\"body\":\"" + PII + "\"}"));
            assertThat(scalar.reason()).isEqualTo(Reason.NO_TEXT_FIELD);
            assertThat(scalar.getMessage()).contains("/body is a JSON string, not an object");
            assertThat(failure(nested, utf8("{\"body\":{\"txt\":1}}")).getMessage()).contains("the field is missing");
        }

        @ParameterizedTest
        @ValueSource(strings = {"1", "null", "true", "{\"t\":\"x\"}", "[\"x\"]"})
        void textNotAString(String value) {
            DecodeException e = failure(decoder, utf8("{\"text\":" + value + "}"));
            assertThat(e.reason()).isEqualTo(Reason.TEXT_NOT_A_STRING);
            assertThat(e.getMessage()).contains("expected a string at JSON Pointer /text, found a JSON");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "\\n\\t  ", "\\u3000"})
        void emptyText(String text) {
            DecodeException e = failure(decoder, utf8("{\"text\":\"" + text + "\"}"));
            assertThat(e.reason()).isEqualTo(Reason.EMPTY_TEXT);
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"a\":1}", "[1]", "{}", "[]"})
        void idNotScalar(String id) {
            DecodeException e = failure(decoder, utf8("{\"text\":\"t\",\"id\":" + id + "}"));
            assertThat(e.reason()).isEqualTo(Reason.ID_NOT_SCALAR);
            assertThat(e.getMessage()).contains("/id", "input.id-pointer");
        }

        @Test
        void hugeNumbersAreRefusedNotParsedForever() {
            DecodeException e = failure(decoder, utf8("{\"text\":\"t\",\"n\":" + "9".repeat(5_000) + "}"));
            assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
        }

        @Test
        void everyFailureIsTheRecordsFault() {
            assertThat(failure(decoder, utf8("nope")).recordAtFault()).isTrue();
        }
    }

    static byte[] hex(String hex) {
        String[] parts = hex.split(" ");
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
