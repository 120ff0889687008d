package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code gliner2-base-v1}: {@code metadata.usecase} {@code ner} (default; {@code labels}, {@code threshold} 0.5),
 * {@code json} ({@code schema}: group -> ["field::type::description"]) or {@code classification}
 * ({@code schema}: axis -> [labels]). Every span it returns occurs in the input.
 */
final class Gliner2Answers implements AnswerGenerator {
    private static final List<String> DEFAULT_LABELS = List.of("person", "organization", "location");

    @Override
    public String answer(ChatInput input) {
        String usecase = input.meta("usecase", "ner");
        return switch (usecase) {
            case "ner" -> ner(input);
            case "json" -> json(input);
            case "classification" -> classification(input);
            default -> throw ApiException.invalid("Invalid 'metadata.usecase': '" + usecase + "'. Supported values are"
                    + " 'ner', 'json' and 'classification'.", "invalid_value", "metadata.usecase");
        };
    }

    private static String ner(ChatInput input) {
        double threshold = input.metaDouble("threshold", 0.5);
        List<String> labels = new ArrayList<>();
        JsonNode l = input.metadata().get("labels");
        if (l != null && l.isArray()) {
            l.forEach(x -> labels.add(x.asText()));
        } else if (l != null && l.isTextual()) {
            for (String s : l.asText().split(",")) {
                labels.add(s.strip());
            }
        }
        if (labels.isEmpty()) {
            labels.addAll(DEFAULT_LABELS);
        }
        ObjectNode root = Json.object();
        ObjectNode entities = root.putObject("entities");
        for (String label : labels) {
            ArrayNode arr = entities.putArray(label);
            EntityFinder.find(label, input.text(), threshold).forEach(f -> arr.add(f.text()));
        }
        return Json.compact(root);
    }

    private static String json(ChatInput input) {
        ObjectNode schema = schema(input);
        String text = input.text();
        ObjectNode root = Json.object();
        ObjectNode data = root.putObject("data");
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> group = it.next();
            if (!group.getValue().isArray()) {
                throw ApiException.invalid("metadata.schema." + group.getKey() + " must be an array of"
                        + " \"field::type::description\" strings", "invalid_type", "metadata.schema");
            }
            ObjectNode item = data.putArray(group.getKey()).addObject();
            for (JsonNode f : group.getValue()) {
                String[] parts = f.asText().split("::", 3);
                String field = parts[0].strip();
                String type = parts.length > 1 ? parts[1].strip().toLowerCase(Locale.ROOT) : "str";
                String hint = field + " " + (parts.length > 2 ? parts[2] : "");
                String kind = kind(hint);
                List<EntityFinder.Found> found = kind == null ? List.of() : EntityFinder.find(kind, text, 0.5);
                if (type.equals("list")) {
                    ArrayNode arr = item.putArray(field);
                    found.forEach(x -> arr.add(x.text()));
                } else if (found.isEmpty()) {
                    item.putNull(field);
                } else if (type.equals("int") || type.equals("float") || type.equals("number")) {
                    String digits = found.get(0).text().replaceAll("[^\\d.]", "");
                    try {
                        double v = Double.parseDouble(digits);
                        if (type.equals("int")) {
                            item.put(field, (long) v);
                        } else {
                            item.put(field, v);
                        }
                    } catch (NumberFormatException e) {
                        item.putNull(field);
                    }
                } else {
                    item.put(field, found.get(0).text());
                }
            }
        }
        return Json.compact(root);
    }

    /** The entity kind a field asks for, from its name and description; null when none is recognised. */
    private static String kind(String hint) {
        String h = hint.toLowerCase(Locale.ROOT);
        String[][] kinds = {{"email", "email"}, {"phone", "phone"}, {"price", "money"}, {"cost", "money"},
                {"amount", "money"}, {"salary", "money"}, {"date", "date"}, {"time", "date"}, {"when", "date"},
                {"company", "organization"}, {"organi", "organization"}, {"employer", "organization"},
                {"brand", "organization"}, {"city", "location"}, {"country", "location"}, {"location", "location"},
                {"address", "location"}, {"place", "location"}, {"name", "person"}, {"person", "person"},
                {"author", "person"}, {"customer", "person"}, {"age", "number"}, {"count", "number"},
                {"quantity", "number"}, {"number", "number"}, {"year", "number"}};
        // Whole words by prefix ("organi" for organisation), field name first: "discount" must not read as "count".
        for (String w : Words.words(h)) {
            for (String[] k : kinds) {
                if (w.startsWith(k[0])) {
                    return k[1];
                }
            }
        }
        return null; // a field the simulator cannot find in text stays null, as a model finding nothing would say
    }

    private static String classification(ChatInput input) {
        ObjectNode schema = schema(input);
        String text = input.text();
        Set<String> stems = new HashSet<>();
        for (String w : Words.words(text)) {
            stems.add(Words.stem(w));
        }
        SplittableRandom r = Words.random(text);
        ObjectNode root = Json.object();
        ObjectNode out = root.putObject("classification");
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> axis = it.next();
            JsonNode labels = axis.getValue().isObject() ? axis.getValue().get("labels") : axis.getValue();
            if (labels == null || !labels.isArray() || labels.isEmpty()) {
                throw ApiException.invalid("metadata.schema." + axis.getKey() + " must be a non-empty array of labels",
                        "invalid_value", "metadata.schema");
            }
            String best = null;
            double bestScore = -1;
            for (JsonNode l : labels) {
                double s = r.nextDouble();
                for (String w : Words.words(l.asText())) {
                    if (stems.contains(Words.stem(w))) {
                        s += 2;
                    }
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = l.asText();
                }
            }
            out.put(axis.getKey(), best);
        }
        return Json.compact(root);
    }

    private static ObjectNode schema(ChatInput input) {
        JsonNode schema = input.metadata().get("schema");
        if (!(schema instanceof ObjectNode s) || s.isEmpty()) {
            throw ApiException.invalid("metadata.schema is required for usecase '" + input.meta("usecase", "")
                    + "' and must be a non-empty object", "missing_required_parameter", "metadata.schema");
        }
        return s;
    }
}
