package dev.enricher.tasks;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A structured answer a task asks a chat model for, declared as a JSON Schema: the Avro schema the answer is
 * published with (a record generated from the JSON Schema, as Flink's {@code ML_PREDICT} declares its output columns),
 * the extraction of the JSON from what a model actually writes (code fences and prose around it), its validation
 * against the JSON Schema, and its conversion into that Avro record.
 *
 * <p>Supported JSON Schema: {@code object} with {@code properties} and {@code required} (a property not required is
 * an optional field, a null-first union with default null), {@code string} ({@code enum} values are kept as a string,
 * listed in the field's doc), {@code integer} (Avro long), {@code number} (double), {@code boolean}, {@code array}
 * with {@code items}, nested objects (nested records) and {@code description} (the doc). Annotations and constraints
 * that only narrow values ({@code minimum}, {@code maxItems}, {@code pattern}, {@code format}, ...) are checked by the
 * validator and do not change the Avro type. Anything else ({@code oneOf}, {@code $ref}, a list of types, an object
 * without properties, ...) is refused when the configuration is read, naming the place in the schema.
 *
 * <p>Validation is {@code com.networknt:json-schema-validator} (draft 2020-12 unless the schema says otherwise).
 * Finding one JSON value inside prose is written here: no library does it; Jackson parses each candidate.
 *
 * <p>Immutable and thread-safe.
 */
public final class StructuredOutput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("```[A-Za-z0-9_-]*\\s*\\n?(.*?)```", Pattern.DOTALL);
    private static final Set<String> NARROWING = Set.of("description", "title", "$schema", "$comment", "examples",
            "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
            "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems", "additionalProperties",
            "properties", "required", "items", "type", "enum", "const");

    private final String taskName;
    private final JsonNode jsonSchema;
    private final Schema avroSchema;
    private final com.networknt.schema.Schema validator;

    private StructuredOutput(String taskName, JsonNode jsonSchema, Schema avroSchema,
                             com.networknt.schema.Schema validator) {
        this.taskName = taskName;
        this.jsonSchema = jsonSchema;
        this.avroSchema = avroSchema;
        this.validator = validator;
    }

    /**
     * Reads a task's JSON Schema as configuration gives it (maps, lists, strings, numbers).
     *
     * @param taskName the task's name (a valid Avro name): the record is named after it
     * @throws IllegalArgumentException naming the task and the place in the schema ({@code $.properties.x}) when the
     *                                  schema uses what cannot be typed in Avro, or is not a valid JSON Schema
     */
    public static StructuredOutput compile(String taskName, Map<String, ?> jsonSchema) {
        JsonNode schema = JSON.valueToTree(jsonSchema);
        if (!"object".equals(schema.path("type").asText(null))) {
            throw refused(taskName, "$", "the answer must be an object ('type: object' with 'properties'), was "
                    + describe(schema.get("type")));
        }
        Schema avro = type(taskName, schema, "$", recordName(taskName), new LinkedHashSet<>());
        com.networknt.schema.Schema validator;
        try {
            validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
            validator.initializeValidators();
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("task '" + taskName + "': output.json-schema is not a valid JSON "
                    + "Schema: " + e.getMessage(), e);
        }
        return new StructuredOutput(taskName, schema, avro, validator);
    }

    /** The Avro record answers are published as. */
    public Schema avroSchema() {
        return avroSchema;
    }

    /** The JSON Schema as configured, to send to a model or an endpoint's {@code response_format}. */
    public String jsonSchema() {
        try {
            return JSON.writeValueAsString(jsonSchema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first JSON object in a model's answer: inside a code fence if there is one, else the first {@code {...}}
     * that parses, with any prose before and after it ignored.
     *
     * @return the object; null when the answer holds none
     */
    public static JsonNode extract(String content) {
        if (content == null) {
            return null;
        }
        Matcher fence = FENCE.matcher(content);
        while (fence.find()) {
            JsonNode found = firstObject(fence.group(1));
            if (found != null) {
                return found;
            }
        }
        return firstObject(content);
    }

    private static JsonNode firstObject(String text) {
        for (int i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
            try (JsonParser p = JSON.getFactory().createParser(text.substring(i))) {
                JsonNode node = JSON.readTree(p);
                if (node != null && node.isObject()) {
                    return node;
                }
            } catch (IOException notHere) {
                // not a JSON object from this brace: try the next one
            }
        }
        return null;
    }

    /**
     * What is wrong with {@code answer} against the JSON Schema, one line per problem, each naming where
     * ({@code /score: must have a maximum value of 1}); empty when it is valid.
     */
    public List<String> validate(JsonNode answer) {
        List<Error> errors;
        try {
            errors = validator.validate(JSON.writeValueAsString(answer), InputFormat.JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>(errors.size());
        for (Error e : errors) {
            out.add(e.toString());
        }
        return out;
    }

    /**
     * A valid answer as the Avro record: integers as long, numbers as double, absent optional fields null.
     *
     * @throws IllegalArgumentException when it does not fit (only for an answer {@link #validate} refuses)
     */
    public GenericRecord toAvro(JsonNode answer) {
        return (GenericRecord) value(avroSchema, answer, "$");
    }

    @Override
    public String toString() {
        return "StructuredOutput[" + taskName + ": " + avroSchema.getFullName() + "]";
    }

    // ---- JSON Schema -> Avro ----

    private static Schema type(String task, JsonNode node, String path, String recordName, Set<String> names) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!NARROWING.contains(keyword)) {
                throw refused(task, path, "'" + keyword + "' is not supported");
            }
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw refused(task, path, "give one 'type' (object, string, integer, number, boolean or array), was "
                    + describe(type));
        }
        String doc = node.path("description").asText(null);
        switch (type.asText()) {
            case "string":
                // Read as java.lang.String, as the generated result records' strings are (avro.java.string).
                Schema string = Schema.create(Schema.Type.STRING);
                string.addProp(org.apache.avro.generic.GenericData.STRING_PROP, "String");
                return string;
            case "integer":
                return Schema.create(Schema.Type.LONG);
            case "number":
                return Schema.create(Schema.Type.DOUBLE);
            case "boolean":
                return Schema.create(Schema.Type.BOOLEAN);
            case "array":
                if (!node.has("items") || !node.get("items").isObject()) {
                    throw refused(task, path, "an array needs 'items' with one schema");
                }
                return Schema.createArray(type(task, node.get("items"), path + ".items", recordName + "Item", names));
            case "object":
                return record(task, node, path, recordName, doc, names);
            default:
                throw refused(task, path, "type '" + type.asText() + "' is not supported");
        }
    }

    private static Schema record(String task, JsonNode node, String path, String name, String doc, Set<String> names) {
        JsonNode properties = node.get("properties");
        if (properties == null || !properties.isObject() || properties.isEmpty()) {
            throw refused(task, path, "an object needs 'properties' (a map of free keys has no Avro record type)");
        }
        if (node.has("additionalProperties") && node.get("additionalProperties").isObject()) {
            throw refused(task, path, "'additionalProperties' with a schema is not supported (give it false or "
                    + "leave it out)");
        }
        if (!names.add(name)) {
            throw refused(task, path, "two objects would be named " + name);
        }
        Set<String> required = new LinkedHashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        for (String r : required) {
            if (!properties.has(r)) {
                throw refused(task, path + ".required", "'" + r + "' is required but is not a property");
            }
        }
        List<Schema.Field> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String field = p.getKey();
            String fieldPath = path + ".properties." + field;
            if (!field.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw refused(task, fieldPath, "a property name must be a valid Avro name ([A-Za-z_][A-Za-z0-9_]*)");
            }
            Schema t = type(task, p.getValue(), fieldPath, name + capitalized(field), names);
            String fieldDoc = fieldDoc(p.getValue());
            if (required.contains(field)) {
                fields.add(new Schema.Field(field, t, fieldDoc));
            } else {
                fields.add(new Schema.Field(field, Schema.createUnion(Schema.create(Schema.Type.NULL), t), fieldDoc,
                        JsonProperties.NULL_VALUE));
            }
        }
        return Schema.createRecord(name, doc, "dev.enricher.results", false, fields);
    }

    /** A field's doc: the property's description, and the values of a string enum (Avro keeps it a string). */
    private static String fieldDoc(JsonNode property) {
        String doc = property.path("description").asText(null);
        if (property.has("enum")) {
            List<String> values = new ArrayList<>();
            property.get("enum").forEach(v -> values.add(v.asText()));
            doc = (doc == null ? "" : doc + " ") + "One of: " + String.join(", ", values) + ".";
        }
        return doc;
    }

    private static String recordName(String task) {
        StringBuilder b = new StringBuilder();
        for (String part : task.split("_")) {
            b.append(capitalized(part));
        }
        return b.append("Result").toString();
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static IllegalArgumentException refused(String task, String path, String why) {
        return new IllegalArgumentException("task '" + task + "': output.json-schema at " + path + ": " + why
                + "; supported: object with properties and required, string (enum allowed), integer, number, "
                + "boolean, array with items, nested objects");
    }

    private static String describe(JsonNode n) {
        return n == null ? "none" : n.toString();
    }

    // ---- JSON -> Avro ----

    private static Object value(Schema schema, JsonNode v, String path) {
        switch (schema.getType()) {
            case UNION:
                if (v == null || v.isNull() || v.isMissingNode()) {
                    return null;
                }
                return value(schema.getTypes().get(1), v, path);
            case RECORD:
                require(v != null && v.isObject(), path, "an object");
                GenericRecord r = new GenericData.Record(schema);
                for (Schema.Field f : schema.getFields()) {
                    r.put(f.name(), value(f.schema(), v.get(f.name()), path + "." + f.name()));
                }
                return r;
            case ARRAY:
                require(v != null && v.isArray(), path, "an array");
                List<Object> items = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    items.add(value(schema.getElementType(), v.get(i), path + "[" + i + "]"));
                }
                return new GenericData.Array<>(schema, items);
            case STRING:
                require(v != null && v.isTextual(), path, "a string");
                return v.asText();
            case LONG:
                require(v != null && v.isIntegralNumber() && v.canConvertToLong(), path, "an integer");
                return v.asLong();
            case DOUBLE:
                require(v != null && v.isNumber(), path, "a number");
                return v.asDouble();
            case BOOLEAN:
                require(v != null && v.isBoolean(), path, "a boolean");
                return v.asBoolean();
            default:
                throw new IllegalStateException("no JSON for Avro type " + schema.getType());
        }
    }

    private static void require(boolean ok, String path, String what) {
        if (!ok) {
            throw new IllegalArgumentException(path + ": expected " + what);
        }
    }
}
