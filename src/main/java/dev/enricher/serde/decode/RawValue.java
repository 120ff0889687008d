package dev.enricher.serde.decode;

import dev.enricher.serde.decode.DecodeException.Reason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/** Checks every decoder makes before it looks inside a value: present, not empty, not too large, UTF-8. */
final class RawValue {
    private RawValue() {
    }

    /** Fails for a null or empty value, or one over {@code maxBytes}; returns the value. */
    static byte[] check(byte[] value, int maxBytes, String format) {
        if (value == null) {
            throw new DecodeException(Reason.NULL_VALUE, "the record value is null (a tombstone?); expected a " + format
                    + " value with the text to enrich");
        }
        if (value.length == 0) {
            throw new DecodeException(Reason.EMPTY_VALUE, "the record value is empty (0 bytes); expected a " + format
                    + " value with the text to enrich");
        }
        if (value.length > maxBytes) {
            throw new DecodeException(Reason.TOO_LARGE, "the record value is " + value.length + " bytes, over the limit of "
                    + maxBytes + " bytes; raise input.max-bytes if such values are expected, or have the producer"
                    + " split them");
        }
        return value;
    }

    /**
     * Strict UTF-8: malformed sequences, overlong forms, encoded surrogates and code points past U+10FFFF are refused
     * (a lenient decoder would replace them silently).
     *
     * @param what what the bytes are, for the message ("the record value", "field 'text'")
     */
    static String utf8(byte[] bytes, int offset, int length, String what) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars;
        try {
            chars = decoder.decode(ByteBuffer.wrap(bytes, offset, length));
        } catch (MalformedInputException e) {
            throw notUtf8(what, e.getInputLength(), bytes, offset, length);
        } catch (CharacterCodingException e) {
            throw new DecodeException(Reason.NOT_UTF8, what + " is not valid UTF-8; producers must encode text as UTF-8");
        }
        return chars.toString();
    }

    /** A whole record value as strict UTF-8 text, without the byte order mark some producers put first. */
    static String utf8Value(byte[] value) {
        String s = utf8(value, 0, value.length, "the record value");
        return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
    }

    private static DecodeException notUtf8(String what, int badLength, byte[] bytes, int offset, int length) {
        // The decoder does not say where; find the first bad byte again (cheap, only on failure).
        int at = firstMalformed(bytes, offset, length);
        return new DecodeException(Reason.NOT_UTF8, what + " is not valid UTF-8: " + badLength + " malformed byte(s)"
                + (at >= 0 ? " at byte offset " + (at - offset) + " of " + length : "")
                + "; producers must encode text as UTF-8 (a Latin-1 or Windows-1252 producer, or binary data"
                + " on a text topic, looks like this)");
    }

    private static int firstMalformed(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(Math.max(16, length));
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : -1;
    }

    /**
     * Fails when {@code s} holds an unpaired surrogate (possible from a JSON {@code \\uD800} escape or a Java string):
     * it cannot be written as UTF-8 and would turn into '?' downstream.
     */
    static String wellFormed(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new DecodeException(Reason.NOT_UTF8, what + " holds an unpaired UTF-16 surrogate at character " + i
                        + " of " + s.length() + " (an escape such as \\uD800 without its pair); it cannot be encoded"
                        + " as UTF-8: fix the producer's escaping");
            }
        }
        return s;
    }

    /**
     * What the start of a value that is not JSON suggests the producer really sends, as "; ..." to append, or "" when
     * nothing useful can be said. Never quotes the value.
     */
    static String firstByteHint(byte[] value) {
        int i = 0;
        while (i < value.length && (value[i] == ' ' || value[i] == '\n' || value[i] == '\r' || value[i] == '\t')) {
            i++;
        }
        if (i == value.length) {
            return "; it is only whitespace";
        }
        int b = value[i] & 0xFF;
        if (b == 0 && value.length >= 5) {
            return "; it starts with byte 0x00 like Confluent-framed Avro: if the topic carries Avro, set input.format=avro";
        }
        if (b < 0x80 && Character.isLetter(b)) {
            return "; it starts with a letter, like plain text: if the topic carries plain text, set input.format=text";
        }
        if (b == '<') {
            return "; it starts with '<', like XML or HTML";
        }
        return "";
    }
}
