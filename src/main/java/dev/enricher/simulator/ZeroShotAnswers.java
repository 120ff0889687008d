package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code deberta-v3-small} zero-shot classification: candidate labels from a system message written
 * {@code [a, b, c]} or from the top-level {@code categories}; at most 10. The answer scores exactly those
 * labels ({@code {"label": score}}, sorted by score, 6 decimals, summing to 1): a softmax over word overlap
 * with the input plus a little noise seeded by the input.
 */
final class ZeroShotAnswers implements AnswerGenerator {
    static final int MAX_LABELS = 10;
    private static final Pattern BRACKETS = Pattern.compile("\\[([^\\[\\]]*)]");

    @Override
    public String answer(ChatInput input) {
        List<String> labels = labels(input);
        String text = input.text();
        Set<String> stems = new HashSet<>();
        for (String w : Words.words(text)) {
            stems.add(Words.stem(w));
        }
        // Topic words of the IAB categories the text falls in, so "football" counts towards a "sports" label.
        SplittableRandom r = Words.random(text);
        for (IabTaxonomy.Scored c : IabTaxonomy.content10().classify(new ArrayList<>(stems), Words.random(text), 3)) {
            if (c.score() >= 0.5) {
                for (String w : Words.words(c.category().name())) {
                    stems.add(Words.stem(w));
                }
            }
        }
        double[] weights = new double[labels.size()];
        double sum = 0;
        for (int i = 0; i < labels.size(); i++) {
            int overlap = 0;
            for (String w : Words.words(labels.get(i))) {
                if (stems.contains(Words.stem(w))) {
                    overlap++;
                }
            }
            weights[i] = Math.exp(2.2 * overlap + 1.2 * r.nextDouble());
            sum += weights[i];
        }
        BigDecimal[] scores = new BigDecimal[labels.size()];
        BigDecimal total = BigDecimal.ZERO;
        Integer[] order = new Integer[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            scores[i] = BigDecimal.valueOf(Math.max(weights[i] / sum, 1e-6)).setScale(6, RoundingMode.HALF_UP);
            total = total.add(scores[i]);
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> scores[b].compareTo(scores[a]));
        // Rounding drift goes to the top label so the scores sum to exactly 1.
        scores[order[0]] = scores[order[0]].add(BigDecimal.ONE.subtract(total));
        ObjectNode out = Json.object();
        for (Integer i : order) {
            out.put(labels.get(i), scores[i]);
        }
        return Json.compact(out);
    }

    static List<String> labels(ChatInput input) {
        Set<String> labels = new LinkedHashSet<>();
        String param = "categories";
        JsonNode categories = input.root().get("categories");
        if (categories != null && categories.isArray()) {
            categories.forEach(c -> {
                if (c.isValueNode() && !c.asText().isBlank()) {
                    labels.add(c.asText().strip());
                }
            });
        } else if (input.system() != null) {
            param = "messages";
            Matcher m = BRACKETS.matcher(input.system());
            if (m.find()) {
                for (String part : m.group(1).split(",")) {
                    String l = part.strip().replaceAll("^[\"']|[\"']$", "").strip();
                    if (!l.isEmpty()) {
                        labels.add(l);
                    }
                }
            }
        }
        if (labels.isEmpty()) {
            throw ApiException.invalid("Zero-shot classification needs candidate labels: a system message written"
                    + " [label1, label2] or a top-level 'categories' array.", "missing_required_parameter", param);
        }
        if (labels.size() > MAX_LABELS) {
            throw ApiException.invalid("Too many candidate labels: " + labels.size() + " given, at most " + MAX_LABELS
                    + " are supported.", "invalid_value", param);
        }
        return new ArrayList<>(labels);
    }
}
