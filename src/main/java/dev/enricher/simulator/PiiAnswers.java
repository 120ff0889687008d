package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code gliner-multi-pii-v1}: {@code metadata.usecase} {@code extract-pii} (default) or {@code redact};
 * {@code threshold} (0.5) drops less certain entities; {@code categories} (identity, contact, financial,
 * digital) keeps only their labels; {@code mask} {@code label} (default: {@code [PHONE_NUMBER]}) or
 * {@code char} (asterisks of the same length).
 *
 * <p>{@code start}/{@code end} are emitted as the real API's models (Python libraries) give them: offsets into the
 * input counted in Unicode code points, so {@code text[start:end]} in Python is the entity. The detector works in
 * Java {@code char} (UTF-16) indexes, which differ after every character outside the Basic Multilingual Plane (an
 * emoji counts 2 there, 1 here); they are converted only when written out, and the redaction slices with the
 * detector's own indexes.
 */
final class PiiAnswers implements AnswerGenerator {
    private static final Map<String, Set<String>> CATEGORIES = Map.of(
            "identity", Set.of(PiiDetector.PERSON, PiiDetector.SSN),
            "contact", Set.of(PiiDetector.EMAIL, PiiDetector.PHONE, PiiDetector.ADDRESS),
            "financial", Set.of(PiiDetector.CREDIT_CARD),
            "digital", Set.of(PiiDetector.IP),
            "network", Set.of(PiiDetector.IP));

    @Override
    public String answer(ChatInput input) {
        String text = input.text();
        String usecase = input.meta("usecase", "extract-pii");
        if (!usecase.equals("extract-pii") && !usecase.equals("redact")) {
            throw ApiException.invalid("Invalid 'metadata.usecase': '" + usecase + "'. Supported values are"
                    + " 'extract-pii' and 'redact'.", "invalid_value", "metadata.usecase");
        }
        double threshold = input.metaDouble("threshold", 0.5);
        Set<String> allowed = allowedLabels(input.metadata().get("categories"));
        List<PiiDetector.Span> spans = new ArrayList<>();
        for (PiiDetector.Span s : PiiDetector.detect(text)) {
            if (s.score() >= threshold && (allowed == null || allowed.contains(s.label()))) {
                spans.add(s);
            }
        }
        ObjectNode root = Json.object();
        ArrayNode entities = root.putArray("entities");
        ObjectNode byLabel = Json.object();
        for (PiiDetector.Span s : spans) {
            int start = text.codePointCount(0, s.start());
            entities.addObject().put("text", s.text()).put("label", s.label()).put("start", start)
                    .put("end", start + s.text().codePointCount(0, s.text().length())).put("score", s.score());
            ArrayNode list = byLabel.has(s.label()) ? (ArrayNode) byLabel.get(s.label()) : byLabel.putArray(s.label());
            list.add(s.text());
        }
        root.set("entities_by_label", byLabel);
        if (usecase.equals("redact")) {
            root.put("redacted_text", redact(text, spans, input.meta("mask", "label")));
        }
        return Json.compact(root);
    }

    /**
     * Replaces each span (ordered, non-overlapping, with {@code char} indexes) by its placeholder; a {@code char} mask
     * has one asterisk per code point of the span, as Python's {@code len} counts.
     */
    static String redact(String text, List<PiiDetector.Span> spans, String mask) {
        StringBuilder b = new StringBuilder(text.length());
        int at = 0;
        for (PiiDetector.Span s : spans) {
            b.append(text, at, s.start());
            if ("char".equals(mask) || "*".equals(mask)) {
                b.append("*".repeat(text.codePointCount(s.start(), s.end())));
            } else {
                b.append('[').append(placeholder(s.label())).append(']');
            }
            at = s.end();
        }
        return b.append(text, at, text.length()).toString();
    }

    static String placeholder(String label) {
        return label.toUpperCase(Locale.ROOT).replace(' ', '_');
    }

    private static Set<String> allowedLabels(JsonNode categories) {
        if (categories == null || !categories.isArray() || categories.isEmpty()) {
            return null;
        }
        Set<String> out = new HashSet<>();
        for (JsonNode c : categories) {
            String name = c.asText().toLowerCase(Locale.ROOT);
            Set<String> labels = CATEGORIES.get(name);
            if (labels == null) {
                throw ApiException.invalid("Unknown PII category '" + c.asText() + "'. Supported: "
                        + new java.util.TreeSet<>(CATEGORIES.keySet()) + ".", "invalid_value", "metadata.categories");
            }
            out.addAll(labels);
        }
        return out;
    }
}
