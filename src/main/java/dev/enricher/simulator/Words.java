package dev.enricher.simulator;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text helpers shared by the answer generators: word splitting, stop words, deterministic seeds. */
final class Words {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'-]*");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
    static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at",
            "by", "for", "with", "from", "about", "as", "into", "over", "after", "before", "is", "are", "was", "were",
            "be", "been", "being", "it", "its", "this", "that", "these", "those", "i", "you", "he", "she", "we", "they",
            "me", "him", "her", "us", "them", "my", "your", "his", "our", "their", "what", "which", "who", "whom",
            "how", "why", "when", "where", "do", "does", "did", "have", "has", "had", "not", "no", "so", "than", "too",
            "very", "can", "will", "just", "should", "would", "could", "there", "here", "all", "any", "some", "more",
            "most", "such", "only", "own", "same", "also", "then", "once", "up", "down", "out", "off", "again", "s",
            "t", "please", "let", "get", "got", "one", "new", "like", "im", "it's", "i'm", "don't", "via", "per", "make", "makes", "made", "take", "takes",
            "use", "uses", "used", "using", "want", "need", "good", "great", "easy", "really", "many", "much", "well",
            "way", "even", "still", "back", "know", "think", "said", "says");

    private Words() {
    }

    /** All words, lower-cased, in order. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** Distinct content words (no stop words, at least three letters) in order of first appearance. */
    static List<String> keywords(String text, int max) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : words(text)) {
            if (w.length() >= 3 && !STOP.contains(w) && !isNumber(w)) {
                out.add(w);
                if (out.size() == max) {
                    break;
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Crude singular form, so "footballs" matches "football". */
    static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text.strip())) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    static boolean isNumber(String w) {
        for (int i = 0; i < w.length(); i++) {
            if (!Character.isDigit(w.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String capitalize(String w) {
        return w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /** A 64-bit FNV-1a hash of the text: the seed of every "model" decision, so equal input gives equal output. */
    static long hash(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return FaultInjector.mix(h);
    }

    static SplittableRandom random(String text) {
        return new SplittableRandom(hash(text));
    }

    /** Cuts {@code text} to at most {@code max} characters at a word boundary. */
    static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max);
        return (cut > max / 2 ? text.substring(0, cut) : text.substring(0, max)).strip() + "...";
    }
}
