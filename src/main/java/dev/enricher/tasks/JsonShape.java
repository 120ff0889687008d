package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a parsed content tree. Every read names the JSON path it is at, so a failure says
 * exactly where the content departs from the documented shape; it reports the JSON type it found, never
 * the value.
 *
 * <p>Keys chosen by the model (labels, groups, axes) are content too, so a path names them by position
 * ({@link #keyPath}), not by their text.
 *
 * <p>"Required" means present and not JSON null; "optional" reads return null (or an empty list) for a
 * missing or null field but still fail on a present value of the wrong type.
 */
final class JsonShape {
    private JsonShape() {
    }

    static JsonNode object(JsonNode node, String path) {
        if (!node.isObject()) {
            throw mismatch("an object", node, path);
        }
        return node;
    }

    static JsonNode array(JsonNode node, String path) {
        if (!node.isArray()) {
            throw mismatch("an array", node, path);
        }
        return node;
    }

    /** The field of an object; fails when missing or null. */
    static JsonNode required(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw new ContentShapeException("expected field '" + field + "' at " + path + ", found "
                    + (value == null ? "none" : "null"));
        }
        return value;
    }

    /** The field of an object, or null when missing or JSON null. */
    static JsonNode optional(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value;
    }

    static JsonNode requiredArray(JsonNode object, String field, String path) {
        return array(required(object, field, path), path + "." + field);
    }

    static JsonNode requiredObject(JsonNode object, String field, String path) {
        return object(required(object, field, path), path + "." + field);
    }

    static String string(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw mismatch("a string", node, path);
        }
        return node.textValue();
    }

    static String nonBlankString(JsonNode node, String path) {
        String s = string(node, path);
        if (s.isBlank()) {
            throw new ContentShapeException("expected a non-blank string at " + path + ", found a blank string");
        }
        return s;
    }

    static String requiredString(JsonNode object, String field, String path) {
        return nonBlankString(required(object, field, path), path + "." + field);
    }

    static String optionalString(JsonNode object, String field, String path) {
        JsonNode value = optional(object, field);
        return value == null ? null : string(value, path + "." + field);
    }

    /**
     * An identifier the models write either as a string or as a number (IAB taxonomy ids): kept as text
     * so that {@code "409"} and {@code 409} read the same.
     */
    static String optionalId(JsonNode object, String field, String path) {
        JsonNode value = optional(object, field);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        throw mismatch("a string or an integer", value, path + "." + field);
    }

    static double number(JsonNode node, String path) {
        if (!node.isNumber()) {
            throw mismatch("a number", node, path);
        }
        double d = node.doubleValue();
        if (!Double.isFinite(d)) {
            throw new ContentShapeException("expected a finite number at " + path + ", found a number out of range");
        }
        return d;
    }

    static double requiredNumber(JsonNode object, String field, String path) {
        return number(required(object, field, path), path + "." + field);
    }

    static int integer(JsonNode node, String path) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw mismatch("an integer", node, path);
        }
        return node.intValue();
    }

    static int requiredInt(JsonNode object, String field, String path) {
        return integer(required(object, field, path), path + "." + field);
    }

    static Integer optionalInt(JsonNode object, String field, String path) {
        JsonNode value = optional(object, field);
        return value == null ? null : integer(value, path + "." + field);
    }

    /** An array of non-blank strings. */
    static List<String> strings(JsonNode node, String path) {
        array(node, path);
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(nonBlankString(node.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /**
     * A JSON value as a plain Java value, so results never expose Jackson types: string -> {@link String},
     * integer -> {@link Long} (or {@link BigInteger} beyond its range), other number -> {@link Double},
     * boolean -> {@link Boolean}, null -> null, array -> unmodifiable {@link List}, object -> unmodifiable
     * {@link Map} in document order.
     */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(item -> list.add(plain(item)));
            return Collections.unmodifiableList(list);
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return Collections.unmodifiableMap(map);
        }
        // Binary and POJO nodes never come out of a text parse.
        return node.asText();
    }

    /** The path of the {@code index}-th (from 0) member of the object at {@code objectPath}. */
    static String keyPath(String objectPath, int index) {
        return objectPath + ".<key " + index + ">";
    }

    static ContentShapeException mismatch(String expected, JsonNode found, String path) {
        return new ContentShapeException("expected " + expected + " at " + path + ", found " + describe(found));
    }

    /** The JSON type of a node, with its article: what a reason may say about content. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "none";
        }
        switch (node.getNodeType()) {
            case OBJECT:
                return "an object";
            case ARRAY:
                return node.isEmpty() ? "an empty array" : "an array";
            case STRING:
                return "a string";
            case NUMBER:
                return node.isIntegralNumber() ? "an integer" : "a decimal number";
            case BOOLEAN:
                return "a boolean";
            case NULL:
                return "null";
            default:
                return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
