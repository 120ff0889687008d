package dev.enricher.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Renders Avro data and Kafka bytes as JSON for people and for {@code jq}, walking the writer's schema:
 * records become objects in field order, unions their branch's value (no Avro JSON union wrapper), enums
 * their symbol, {@code timestamp-millis}/{@code -micros} an ISO-8601 instant, {@code date} an ISO date,
 * NaN and infinite floats a string.
 *
 * <p>Bytes become text when they are valid UTF-8 and base64 otherwise, and say which: a record field
 * {@code f} of bytes gets a sibling {@code f_encoding} of {@code "utf8"} or {@code "base64"} (absent when the
 * value is null); bytes elsewhere (in an array or a map) become {@code {"value": ..., "encoding": ...}}.
 */
public final class JsonRendering {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String UTF8 = "utf8";
    static final String BASE64 = "base64";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRendering() {
    }

    /** Any Avro record (generic or generated) as an object. */
    public static ObjectNode record(IndexedRecord record) {
        return recordNode(record.getSchema(), record);
    }

    /** Any Avro record as one JSON document indented over several lines, for people. */
    public static String indented(IndexedRecord record) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(record(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written: " + e.getMessage(), e);
        }
    }

    /** Sets {@code field} to the bytes as text or base64 and {@code field_encoding} to which; null stays null. */
    static void putBytes(ObjectNode target, String field, byte[] bytes) {
        if (bytes == null) {
            target.putNull(field);
            return;
        }
        String text = utf8OrNull(bytes);
        if (text != null) {
            target.put(field, text);
            target.put(field + "_encoding", UTF8);
        } else {
            target.put(field, Base64.getEncoder().encodeToString(bytes));
            target.put(field + "_encoding", BASE64);
        }
    }

    /** Kafka record headers as {@code [{"key": k, "value": v, "value_encoding": e}, ...]} in their order. */
    static ArrayNode headers(Headers headers) {
        ArrayNode array = NODES.arrayNode();
        for (Header h : headers) {
            ObjectNode o = array.addObject();
            o.put("key", h.key());
            putBytes(o, "value", h.value());
        }
        return array;
    }

    /** The bytes as a string when they are valid UTF-8, else null. */
    static String utf8OrNull(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A copy of the buffer's remaining bytes, or null for null; its position is left alone. */
    public static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static ObjectNode recordNode(Schema schema, IndexedRecord record) {
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : schema.getFields()) {
            Object v = record.get(f.pos());
            Schema s = branch(f.schema(), v);
            if (s.getType() == Schema.Type.BYTES || s.getType() == Schema.Type.FIXED) {
                putBytes(o, f.name(), rawBytes(v));
            } else {
                o.set(f.name(), datum(s, v));
            }
        }
        return o;
    }

    static JsonNode datum(Schema schema, Object v) {
        Schema s = branch(schema, v);
        if (v == null) {
            return NODES.nullNode();
        }
        switch (s.getType()) {
            case RECORD:
                return recordNode(s, (IndexedRecord) v);
            case ENUM:
                return NODES.textNode(v instanceof GenericEnumSymbol ? v.toString() : ((Enum<?>) v).name());
            case ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (Object item : (Iterable<?>) v) {
                    a.add(datum(s.getElementType(), item));
                }
                return a;
            }
            case MAP: {
                ObjectNode m = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.set(e.getKey().toString(), datum(s.getValueType(), e.getValue()));
                }
                return m;
            }
            case BYTES:
            case FIXED: {
                ObjectNode b = NODES.objectNode();
                putBytes(b, "value", rawBytes(v));
                b.set("encoding", b.remove("value_encoding"));
                return b;
            }
            case STRING:
                return NODES.textNode(v.toString());
            case INT:
            case LONG:
                return number(s, v);
            case FLOAT:
            case DOUBLE: {
                double d = ((Number) v).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case BOOLEAN:
                return NODES.booleanNode((Boolean) v);
            default:
                return NODES.nullNode();
        }
    }

    private static JsonNode number(Schema s, Object v) {
        if (v instanceof Instant) {
            return NODES.textNode(v.toString());
        }
        if (v instanceof LocalDate) {
            return NODES.textNode(v.toString());
        }
        if (!(v instanceof Number)) {
            return NODES.textNode(v.toString());
        }
        long n = ((Number) v).longValue();
        LogicalType logical = s.getLogicalType();
        if (logical != null) {
            switch (logical.getName()) {
                case "timestamp-millis":
                    return NODES.textNode(Instant.ofEpochMilli(n).toString());
                case "timestamp-micros":
                    return NODES.textNode(Instant.EPOCH.plusNanos(Math.multiplyExact(n, 1000L)).toString());
                case "date":
                    return NODES.textNode(LocalDate.ofEpochDay(n).toString());
                default:
                    break;
            }
        }
        return s.getType() == Schema.Type.INT ? NODES.numberNode((int) n) : NODES.numberNode(n);
    }

    private static Schema branch(Schema schema, Object v) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        java.util.List<Schema> types = schema.getTypes();
        if (v == null) {
            for (Schema t : types) {
                if (t.getType() == Schema.Type.NULL) {
                    return t;
                }
            }
        }
        if (types.size() == 2 && types.get(0).getType() == Schema.Type.NULL) {
            // The usual optional field; also right for values of logical types (Instant) that GenericData cannot place.
            return types.get(1);
        }
        return types.get(GenericData.get().resolveUnion(schema, v));
    }

    private static byte[] rawBytes(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof ByteBuffer) {
            return bytes((ByteBuffer) v);
        }
        if (v instanceof GenericFixed) {
            return ((GenericFixed) v).bytes().clone();
        }
        return (byte[]) v;
    }
}
