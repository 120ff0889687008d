package dev.enricher.serde.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.enricher.serde.decode.DecodeException.Reason;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a JSON object: the text at a JSON Pointer (default {@code /text}), the id at another (default {@code /id},
 * optional), and every other top-level scalar field as an attribute.
 *
 * <ul>
 * <li>The value must be strict UTF-8 (checked before parsing: Jackson accepts some malformed sequences) and at most
 *     {@code maxBytes}; a leading byte order mark is allowed.</li>
 * <li>Exactly one JSON value: content after it, or a field name twice in one object, is {@link Reason#NOT_JSON}.</li>
 * <li>The text must be a JSON string, not blank. The id may be any scalar: strings as they are, numbers in their
 *     decimal form ({@code 42}, {@code 1.50}), booleans as {@code true}/{@code false}; JSON null or absent means no
 *     id; an object or array is {@link Reason#ID_NOT_SCALAR}.</li>
 * <li>Attributes: top-level strings, numbers and booleans in document order, as strings; nulls, objects and arrays
 *     are skipped, and so are the top-level fields the text and id pointers name.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonInputDecoder implements InputDecoder {
    static final int MAX_NESTING_DEPTH = 100;
    static final int MAX_NAME_LENGTH = 1_000;
    static final int MAX_NUMBER_LENGTH = 100;

    private final String textPointerText;
    private final JsonPointer textPointer;
    private final String idPointerText;
    private final JsonPointer idPointer;
    private final int maxBytes;
    private final ObjectMapper mapper;

    /** Text at {@code /text}, id at {@code /id}, at most 1 MiB. */
    public JsonInputDecoder() {
        this(DecoderConfig.DEFAULT_TEXT_POINTER, DecoderConfig.DEFAULT_ID_POINTER, DecoderConfig.DEFAULT_MAX_BYTES);
    }

    /**
     * @param textPointer a JSON Pointer to the text, e.g. {@code /body/text}
     * @param idPointer   a JSON Pointer to the id, or null or empty when events have no id
     * @param maxBytes    the largest value accepted, 1 to 64 MiB
     * @throws IllegalArgumentException naming the setting, for an invalid pointer or size
     */
    public JsonInputDecoder(String textPointer, String idPointer, int maxBytes) {
        this.textPointerText = textPointer;
        this.textPointer = DecoderConfig.checkPointer("input.text-pointer", textPointer, false);
        this.idPointerText = idPointer == null || idPointer.isEmpty() ? null : idPointer;
        this.idPointer = idPointerText == null ? null : DecoderConfig.checkPointer("input.id-pointer", idPointer, true);
        if (textPointer.equals(idPointerText)) {
            throw new IllegalArgumentException("input.id-pointer '" + idPointer + "' is the same as input.text-pointer");
        }
        this.maxBytes = DecoderConfig.checkMaxBytes(maxBytes);
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxStringLength(maxBytes)
                        .maxDocumentLength(maxBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
    }

    @Override
    public DecodedEvent decode(String topic, byte[] value) {
        RawValue.check(value, maxBytes, "JSON");
        String json = RawValue.utf8Value(value);
        JsonNode root = parse(json, value);
        if (!root.isObject()) {
            throw new DecodeException(Reason.NOT_A_JSON_OBJECT, "expected a JSON object with the text at "
                    + textPointerText + ", found a JSON " + type(root) + " (" + value.length + " bytes)");
        }
        String text = text(root);
        String id = id(root);
        return new DecodedEvent(text, id, attributes(root));
    }

    private JsonNode parse(String json, byte[] value) {
        try (JsonParser parser = mapper.createParser(json)) {
            JsonNode root = mapper.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw new DecodeException(Reason.NOT_JSON, "the record value holds no JSON value" + RawValue.firstByteHint(value));
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new DecodeException(Reason.NOT_JSON, "the record value holds more than one JSON value: content"
                        + " follows the first one at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + "; expected exactly one JSON object per record");
            }
            return root;
        } catch (StreamConstraintsException e) {
            // Jackson's constraint messages name limits, never content.
            throw new DecodeException(Reason.NOT_JSON, "the JSON exceeds a parser limit: " + limitMessage(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            // Jackson's own messages quote the offending token: say where, not what.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a field name appears twice in one object" : "malformed JSON";
            throw new DecodeException(Reason.NOT_JSON, "the record value is not valid JSON: " + what + where
                    + " of a " + value.length + "-byte value" + RawValue.firstByteHint(value));
        } catch (IOException e) {
            throw new DecodeException(Reason.NOT_JSON, "the record value could not be read as JSON ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private String text(JsonNode root) {
        JsonNode node = at(root, textPointer, textPointerText, Reason.NO_TEXT_FIELD, "input.text-pointer", "/message");
        if (!node.isTextual()) {
            throw new DecodeException(Reason.TEXT_NOT_A_STRING, "expected a string at JSON Pointer " + textPointerText
                    + ", found a JSON " + type(node) + "; set input.text-pointer to where the text is");
        }
        String text = RawValue.wellFormed(node.textValue(), "the text at " + textPointerText);
        if (text.isBlank()) {
            throw new DecodeException(Reason.EMPTY_TEXT, "the text at JSON Pointer " + textPointerText + " is "
                    + (text.isEmpty() ? "empty" : "only whitespace (" + text.length() + " characters)")
                    + "; there is nothing to enrich");
        }
        return text;
    }

    private String id(JsonNode root) {
        if (idPointer == null) {
            return null;
        }
        JsonNode node = root.at(idPointer);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            throw new DecodeException(Reason.ID_NOT_SCALAR, "expected a string or number id at JSON Pointer "
                    + idPointerText + ", found a JSON " + type(node)
                    + "; set input.id-pointer to the id itself, or empty when events have no id");
        }
        return RawValue.wellFormed(scalar(node), "the id at " + idPointerText);
    }

    private Map<String, String> attributes(JsonNode root) {
        String textName = topLevelName(textPointer);
        String idName = idPointer == null ? null : topLevelName(idPointer);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode node = field.getValue();
            if (node.isContainerNode() || node.isNull() || name.equals(textName) || name.equals(idName)) {
                continue;
            }
            attributes.put(RawValue.wellFormed(name, "an attribute name"), RawValue.wellFormed(scalar(node),
                    "an attribute value"));
        }
        return attributes;
    }

    /**
     * The node at {@code pointer}, or a {@code missing} failure that says which step of the pointer found nothing.
     */
    private static JsonNode at(JsonNode root, JsonPointer pointer, String pointerText, Reason missing, String setting,
                               String example) {
        JsonNode node = root;
        StringBuilder path = new StringBuilder();
        for (JsonPointer p = pointer; !p.matches(); p = p.tail()) {
            JsonNode next;
            if (node.isObject()) {
                next = node.get(p.getMatchingProperty());
            } else if (node.isArray() && p.getMatchingIndex() >= 0) {
                next = node.get(p.getMatchingIndex());
            } else {
                throw new DecodeException(missing, "no text at JSON Pointer " + pointerText + ": "
                        + (path.length() == 0 ? "the document" : path) + " is a JSON " + type(node)
                        + ", not an object; set " + setting + " to where the text is, e.g. " + example);
            }
            path.append('/').append(escape(p.getMatchingProperty()));
            if (next == null) {
                throw new DecodeException(missing, "no text at JSON Pointer " + pointerText + ": "
                        + (path.toString().equals(pointerText) ? "the field is missing"
                        : "there is nothing at " + path) + "; set " + setting + " to where the text is, e.g. " + example);
            }
            node = next;
        }
        return node;
    }

    private static String topLevelName(JsonPointer pointer) {
        return pointer.tail() != null && pointer.tail().matches() ? pointer.getMatchingProperty() : null;
    }

    private static String scalar(JsonNode node) {
        if (node.isBigDecimal()) {
            return node.decimalValue().toString();
        }
        return node.asText();
    }

    private static String escape(String property) {
        return property.replace("~", "~0").replace("/", "~1");
    }

    static String type(JsonNode node) {
        switch (node.getNodeType()) {
            case ARRAY: return "array";
            case OBJECT: case POJO: return "object";
            case STRING: return "string";
            case NUMBER: return "number";
            case BOOLEAN: return "boolean";
            case NULL: return "null";
            case BINARY: return "binary value";
            default: return "value";
        }
    }

    private static String limitMessage(String message) {
        if (message == null) {
            return "unknown";
        }
        // "Document nesting depth (101) exceeds the maximum allowed (100, from `StreamReadConstraints...`)"
        return message.replaceAll(", from `[^`]*`", "").replaceAll("\\s+$", "");
    }
}
