package dev.enricher.simulator;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The generative models: plain-text answers built from the input's own sentences and words. */
final class TextAnswers {
    private TextAnswers() {
    }

    /** {@code llama-3.1-8b-instruct-fast}: a summary, i.e. the first sentence or two, shortened. */
    static final AnswerGenerator SUMMARY = input -> summary(input.text());

    /**
     * {@code LFM2.5-1.2B-Instruct}: answers the user while honouring a few recognisable system instructions
     * (one word, yes/no, upper case, JSON, bullet points, a language hint is ignored).
     */
    static final AnswerGenerator INSTRUCT = input -> {
        String text = input.text();
        String system = input.system() == null ? "" : input.system().toLowerCase(Locale.ROOT);
        List<String> keys = Words.keywords(text, 5);
        String topic = keys.isEmpty() ? "your message" : String.join(", ", keys.subList(0, Math.min(3, keys.size())));
        if (system.contains("one word") || system.contains("single word")) {
            return keys.isEmpty() ? "Unknown" : Words.capitalize(keys.get(0));
        }
        if (system.contains("yes or no") || system.contains("yes/no")) {
            return (Words.hash(text) & 1) == 0 ? "Yes" : "No";
        }
        if (system.contains("json")) {
            var o = Json.object();
            o.put("answer", summary(text));
            var arr = o.putArray("keywords");
            keys.forEach(arr::add);
            return Json.compact(o);
        }
        String body = "Regarding " + topic + ": " + summary(text);
        if (system.contains("bullet") || system.contains("list")) {
            StringBuilder b = new StringBuilder();
            for (String k : keys) {
                b.append("- ").append(Words.capitalize(k)).append('\n');
            }
            body = b.length() == 0 ? "- " + summary(text) : b.toString().strip();
        }
        if (system.contains("uppercase") || system.contains("upper case") || system.contains("capital letters")) {
            body = body.toUpperCase(Locale.ROOT);
        }
        return body;
    };

    /**
     * {@code LFM2.5-1.2B-Thinking}: visible reasoning then the answer. Like the real model it is not consistent:
     * by input hash the reasoning is wrapped in {@code <think>...</think>}, or only closed by {@code </think>},
     * or written without tags before a "Final answer:" line.
     */
    static final AnswerGenerator THINKING = input -> {
        String text = input.text();
        List<String> keys = Words.keywords(text, 4);
        String topic = keys.isEmpty() ? "the message" : String.join(", ", keys);
        String reasoning = "The user is asking about " + topic + ". Let me identify the key point: "
                + Words.shorten(firstSentence(text), 160) + " I should answer briefly and directly.";
        String answer = summary(text);
        SplittableRandom r = Words.random(text);
        return switch (r.nextInt(3)) {
            case 0 -> "<think>\n" + reasoning + "\n</think>\n\n" + answer;
            case 1 -> reasoning + "\n</think>\n\n" + answer;
            default -> "Okay, let me think. " + reasoning + "\n\nFinal answer: " + answer;
        };
    };

    static String summary(String text) {
        List<String> sentences = Words.sentences(text);
        if (sentences.isEmpty()) {
            return Words.shorten(text.strip(), 200);
        }
        String s = sentences.get(0);
        if (s.length() < 80 && sentences.size() > 1) {
            s = s + " " + sentences.get(1);
        }
        return Words.shorten(s, 240);
    }

    private static String firstSentence(String text) {
        List<String> s = Words.sentences(text);
        return s.isEmpty() ? text : s.get(0);
    }
}
