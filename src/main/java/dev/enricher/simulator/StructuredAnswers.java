package dev.enricher.simulator;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A chat model asked for JSON that matches a JSON Schema: the schema in the request's OpenAI-style
 * {@code response_format: {type: json_schema, json_schema: {schema: ...}}}, or in a system message after the words
 * {@code JSON Schema:}. It answers with an object whose values match the schema (enum values, numbers within
 * {@code minimum}/{@code maximum}, arrays within {@code minItems}/{@code maxItems}, required properties always,
 * optional ones most of the time), drawn from the text so that the same request gets the same answer.
 *
 * <p>Like a real small model it does not always comply: a configurable share of first answers (chosen by the
 * request's content, so the answer stays a pure function of the request) is broken JSON (cut off), JSON with prose
 * and a code fence around it, or JSON that violates the schema (a required property missing, a value of the wrong
 * type or outside its enum), a third each. A repair, a request whose conversation holds the model's earlier answer,
 * is answered with valid JSON. Requests that ask for no schema go to the model's usual answers.
 */
final class StructuredAnswers implements AnswerGenerator {
    /** Words in a system message that introduce the JSON Schema an answer must follow. */
    static final String MARKER = "JSON Schema:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AnswerGenerator plain;
    private final double faultRate;

    StructuredAnswers(AnswerGenerator plain, double faultRate) {
        this.plain = plain;
        this.faultRate = faultRate;
    }

    @Override
    public String answer(ChatInput input) {
        JsonNode schema = requestedSchema(input);
        if (schema == null) {
            return plain.answer(input);
        }
        String text = input.text();
        SplittableRandom random = Words.random(text + '\u0000' + schema);
        JsonNode answer = value(schema, text, random, 0);
        boolean repair = input.messages().stream().anyMatch(m -> "assistant".equals(m.role()));
        double u = random.nextDouble();
        if (repair || u >= faultRate) {
            return compact(answer);
        }
        if (u < faultRate / 3) {
            String s = compact(answer);
            return s.substring(0, Math.max(1, s.length() * 2 / 3)); // cut off mid-way: not JSON
        }
        if (u < 2 * faultRate / 3) {
            return "Sure! Here is the JSON you asked for:\n```json\n" + pretty(answer) + "\n```\nLet me know if you "
                    + "need anything else.";
        }
        return compact(violate(schema, answer));
    }

    /** The schema the request asks the answer to follow; null when it asks for none. */
    static JsonNode requestedSchema(ChatInput input) {
        JsonNode format = input.root() == null ? null : input.root().get("response_format");
        if (format != null && format.path("json_schema").path("schema").isObject()) {
            return format.path("json_schema").path("schema");
        }
        String system = input.system();
        if (system == null) {
            return null;
        }
        int at = system.indexOf(MARKER);
        if (at < 0) {
            return null;
        }
        int brace = system.indexOf('{', at);
        if (brace < 0) {
            return null;
        }
        try (JsonParser p = JSON.getFactory().createParser(system.substring(brace))) {
            JsonNode node = JSON.readTree(p);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode value(JsonNode schema, String text, SplittableRandom r, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String type = schema.path("type").asText("");
        switch (type) {
            case "object": {
                ObjectNode o = f.objectNode();
                java.util.Set<String> required = new java.util.HashSet<>();
                schema.path("required").forEach(n -> required.add(n.asText()));
                for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    if (required.contains(p.getKey()) || r.nextInt(10) < 7) {
                        o.set(p.getKey(), value(p.getValue(), text, r, depth + 1));
                    }
                }
                return o;
            }
            case "array": {
                ArrayNode a = f.arrayNode();
                int min = schema.path("minItems").asInt(1);
                int max = Math.max(min, schema.path("maxItems").asInt(Math.max(min, 3)));
                int n = depth > 4 ? min : min + r.nextInt(max - min + 1);
                for (int i = 0; i < n; i++) {
                    a.add(value(schema.path("items"), text, r, depth + 1));
                }
                return a;
            }
            case "string": {
                if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
                    JsonNode values = schema.path("enum");
                    return values.get(r.nextInt(values.size()));
                }
                List<String> words = Words.keywords(text, 5);
                String s = words.isEmpty() ? "unknown" : words.get(r.nextInt(words.size()));
                int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
                return f.textNode(s.length() > maxLength ? s.substring(0, maxLength) : s);
            }
            case "integer": {
                long min = schema.path("minimum").asLong(0);
                long max = Math.max(min, schema.path("maximum").asLong(min + 10));
                return f.numberNode(min + r.nextLong(max - min + 1));
            }
            case "number": {
                double min = schema.path("minimum").asDouble(0);
                double max = Math.max(min, schema.path("maximum").asDouble(min + 1));
                return f.numberNode(Math.round((min + r.nextDouble() * (max - min)) * 100) / 100.0);
            }
            case "boolean":
                return f.booleanNode(r.nextBoolean());
            default:
                return f.nullNode();
        }
    }

    /** The answer made to break its schema: a required property dropped, or one given a value of the wrong type. */
    private static JsonNode violate(JsonNode schema, JsonNode answer) {
        ObjectNode o = ((ObjectNode) answer).deepCopy();
        JsonNode required = schema.path("required");
        if (required.isArray() && !required.isEmpty()) {
            o.remove(required.get(0).asText());
            return o;
        }
        Iterator<String> names = o.fieldNames();
        if (names.hasNext()) {
            String name = names.next();
            String type = schema.path("properties").path(name).path("type").asText("");
            o.set(name, type.equals("string") ? JsonNodeFactory.instance.numberNode(42)
                    : JsonNodeFactory.instance.textNode("not a " + type));
        }
        return o;
    }

    private static String compact(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
