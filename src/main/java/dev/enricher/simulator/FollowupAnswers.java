package dev.enricher.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code zlm-v1-followup-questions-edge}: three or four questions built around the input's own content words,
 * as a compact JSON array or, in the older format, one question per line.
 */
final class FollowupAnswers implements AnswerGenerator {
    private static final String[] TEMPLATES = {
            "What are the main benefits of %s?",
            "How does %s compare to %s?",
            "What should I know about %s before getting started?",
            "Where can I find more information about %s?",
            "Why does %s matter for %s?",
            "What are the latest developments in %s?",
            "How can %s affect %s in practice?",
    };

    private final FollowupFormat format;

    FollowupAnswers(FollowupFormat format) {
        this.format = format;
    }

    @Override
    public String answer(ChatInput input) {
        String text = input.text();
        List<String> keys = Words.keywords(text, 6);
        if (keys.isEmpty()) {
            keys = Words.words(text);
        }
        if (keys.isEmpty()) {
            keys = List.of(text.strip().isEmpty() ? "this" : Words.shorten(text.strip(), 30));
        }
        SplittableRandom r = Words.random(text);
        int n = 3 + r.nextInt(2);
        int start = r.nextInt(TEMPLATES.length);
        List<String> questions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String t = TEMPLATES[(start + i) % TEMPLATES.length];
            String a = keys.get(i % keys.size());
            String b = keys.get((i + 1) % keys.size());
            questions.add(String.format(java.util.Locale.ROOT, t, a, b));
        }
        if (format == FollowupFormat.NEWLINES) {
            return String.join("\n", questions);
        }
        ArrayNode arr = Json.NODES.arrayNode();
        questions.forEach(arr::add);
        return Json.compact(arr);
    }
}
