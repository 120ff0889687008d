package dev.enricher.serde.decode;

import com.fasterxml.jackson.core.JsonPointer;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How raw input values are decoded: the {@code input.*} settings. Validated when built; every message names the
 * setting, the bad value and the fix.
 *
 * <p>Settings of other formats are kept but not used (a JSON pipeline ignores {@code input.text-field}).
 *
 * @param format      {@code input.format}
 * @param textPointer {@code input.text-pointer} (JSON): a JSON Pointer to the text; null means {@value #DEFAULT_TEXT_POINTER}
 * @param idPointer   {@code input.id-pointer} (JSON): a JSON Pointer to the id; null means {@value #DEFAULT_ID_POINTER},
 *                    empty means the events have no id
 * @param textField   {@code input.text-field} (Avro): the record field holding the text; null means {@value #DEFAULT_TEXT_FIELD}
 * @param idField     {@code input.id-field} (Avro): the record field holding the id; null means {@value #DEFAULT_ID_FIELD},
 *                    empty means the events have no id
 * @param maxBytes    {@code input.max-bytes}: the largest value accepted, in bytes; 0 means {@value #DEFAULT_MAX_BYTES}
 */
public record DecoderConfig(InputFormat format, String textPointer, String idPointer, String textField, String idField,
                            int maxBytes) {
    public static final String DEFAULT_TEXT_POINTER = "/text";
    public static final String DEFAULT_ID_POINTER = "/id";
    public static final String DEFAULT_TEXT_FIELD = "text";
    public static final String DEFAULT_ID_FIELD = "id";
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    /** Far above any text worth enriching, and below Kafka's own ceilings. */
    public static final int MAX_MAX_BYTES = 64 * 1024 * 1024;

    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public DecoderConfig {
        if (format == null) {
            throw new IllegalArgumentException("input.format is not set: use one of json, avro, text");
        }
        textPointer = textPointer == null ? DEFAULT_TEXT_POINTER : textPointer;
        idPointer = idPointer == null ? DEFAULT_ID_POINTER : idPointer;
        textField = textField == null ? DEFAULT_TEXT_FIELD : textField;
        idField = idField == null ? DEFAULT_ID_FIELD : idField;
        maxBytes = maxBytes == 0 ? DEFAULT_MAX_BYTES : maxBytes;
        checkPointer("input.text-pointer", textPointer, false);
        checkPointer("input.id-pointer", idPointer, true);
        if (textPointer.equals(idPointer)) {
            throw new IllegalArgumentException("input.id-pointer '" + idPointer + "' is the same as input.text-pointer:"
                    + " point it at the id (e.g. /id), or set it empty when events have no id");
        }
        checkField("input.text-field", textField, false);
        checkField("input.id-field", idField, true);
        if (textField.equals(idField)) {
            throw new IllegalArgumentException("input.id-field '" + idField + "' is the same as input.text-field:"
                    + " name the id field (e.g. id), or set it empty when events have no id");
        }
        checkMaxBytes(maxBytes);
    }

    /** The defaults for {@code format}: text at /text or field text, id at /id or field id, 1 MiB. */
    public static DecoderConfig defaults(InputFormat format) {
        return new DecoderConfig(format, null, null, null, null, 0);
    }

    /** A JSON configuration. */
    public static DecoderConfig json(String textPointer, String idPointer, int maxBytes) {
        return new DecoderConfig(InputFormat.JSON, textPointer, idPointer, null, null, maxBytes);
    }

    /** An Avro configuration. */
    public static DecoderConfig avro(String textField, String idField, int maxBytes) {
        return new DecoderConfig(InputFormat.AVRO, null, null, textField, idField, maxBytes);
    }

    /** A plain-text configuration. */
    public static DecoderConfig text(int maxBytes) {
        return new DecoderConfig(InputFormat.TEXT, null, null, null, null, maxBytes);
    }

    /** The JSON Pointer {@code value} of {@code setting}, or null when optional and empty. */
    static JsonPointer checkPointer(String setting, String value, boolean optional) {
        Objects.requireNonNull(value, setting);
        if (value.isEmpty()) {
            if (optional) {
                return null;
            }
            throw new IllegalArgumentException(setting + " is empty: it must point at a field, e.g. /text");
        }
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(setting + " '" + value + "' is not a JSON Pointer: it must start with '/',"
                    + " e.g. /" + value.replace('.', '/'));
        }
        // Jackson reads a stray '~' literally; RFC 6901 does not allow it.
        for (int i = value.indexOf('~'); i >= 0; i = value.indexOf('~', i + 1)) {
            if (i + 1 == value.length() || value.charAt(i + 1) != '0' && value.charAt(i + 1) != '1') {
                throw new IllegalArgumentException(setting + " '" + value + "' is not a valid JSON Pointer: '~' must be"
                        + " followed by 0 or 1 (write ~0 for '~' and ~1 for '/' inside a field name)");
            }
        }
        return JsonPointer.compile(value);
    }

    static String checkField(String setting, String value, boolean optional) {
        Objects.requireNonNull(value, setting);
        if (value.isEmpty() && optional) {
            return null;
        }
        if (!AVRO_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(setting + " '" + value + "' is not an Avro field name: use letters, digits"
                    + " and '_', not starting with a digit, e.g. text");
        }
        return value;
    }

    static int checkMaxBytes(int maxBytes) {
        if (maxBytes < 1 || maxBytes > MAX_MAX_BYTES) {
            throw new IllegalArgumentException("input.max-bytes " + maxBytes + " is out of range: it must be between 1 and "
                    + MAX_MAX_BYTES + " (64 MiB); the default is " + DEFAULT_MAX_BYTES + " (1 MiB)");
        }
        return maxBytes;
    }
}
