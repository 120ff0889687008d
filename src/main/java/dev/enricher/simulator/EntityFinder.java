package dev.enricher.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds spans of the input for a free-form entity label, as GLiNER-style models do: well-known labels
 * (person, organization, location, date, money, email, phone, number) by precompiled patterns, any other label
 * by capitalised words the hash of (label, word) happens to favour. Every span occurs verbatim in the text.
 * Stateless and thread-safe.
 */
final class EntityFinder {
    /**
     * A span with its confidence. {@code start} is a Java {@code char} index, used only to order spans by appearance
     * (the order is the same in code points); GLiNER2's answers carry span texts, never offsets.
     */
    record Found(String text, int start, double score) {
    }

    private static final Pattern ORG = Pattern.compile("\\b(?:(?:[A-Z][A-Za-z&]+\\s+){0,3}(?:Inc|Corp|Corporation|Ltd"
            + "|LLC|GmbH|Company|Bank|University|Group|Foundation|Institute|Agency|Association)\\b\\.?"
            + "|Google|Apple|Microsoft|Amazon|Meta|Netflix|Tesla|IBM|Intel|Nvidia|OpenAI|Spotify|Uber|Airbnb|Samsung"
            + "|Toyota|Siemens|SAP|Oracle|Adobe|Salesforce|ZeroGPU|NASA|FIFA|UEFA|NBA|NFL|Reuters|BBC|CNN)\\b");
    private static final Pattern LOCATION = Pattern.compile("\\b(?:Paris|London|Berlin|Rome|Madrid|Lisbon|Amsterdam"
            + "|Vienna|Prague|Warsaw|Dublin|Brussels|Zurich|Geneva|Munich|Milan|Barcelona|New York|Los Angeles|Chicago"
            + "|Boston|Seattle|San Francisco|Austin|Toronto|Vancouver|Montreal|Mexico City|Tokyo|Osaka|Beijing"
            + "|Shanghai|Seoul|Singapore|Sydney|Melbourne|Mumbai|Delhi|Dubai|Cairo|Nairobi|Lagos|Johannesburg|Moscow"
            + "|Istanbul|France|Germany|Italy|Spain|Portugal|Netherlands|Belgium|Austria|Switzerland|Poland|Ireland"
            + "|England|Scotland|Wales|Europe|Asia|Africa|America|Canada|Mexico|Brazil|Argentina|Japan|China|India"
            + "|Australia|Russia|Egypt|Kenya|Nigeria|California|Texas|Florida|USA|UK)\\b");
    private static final Pattern DATE = Pattern.compile("\\b(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2}/\\d{1,2}/\\d{2,4}"
            + "|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
            + "\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,\\s*\\d{4})?|\\d{1,2}\\s+(?:January|February|March|April|May|June|July"
            + "|August|September|October|November|December)(?:\\s+\\d{4})?|(?:Monday|Tuesday|Wednesday|Thursday|Friday"
            + "|Saturday|Sunday|yesterday|today|tomorrow))\\b");
    private static final Pattern MONEY = Pattern.compile("(?:[$€£]\\s?\\d[\\d,]*(?:\\.\\d+)?(?:\\s?(?:million|billion|k))?"
            + "|\\b\\d[\\d,]*(?:\\.\\d+)?\\s?(?:USD|EUR|GBP|dollars|euros|pounds)\\b)");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])\\d+(?:[.,]\\d+)?(?![\\w])");
    private static final Pattern CAPITALISED = Pattern.compile("\\b[A-Z][\\p{L}\\d]+(?:\\s+[A-Z][\\p{L}\\d]+)*\\b");

    private EntityFinder() {
    }

    /** Spans for {@code label} at or above {@code threshold}, in order of appearance, distinct texts. */
    static List<Found> find(String label, String text, double threshold) {
        String l = label.toLowerCase(Locale.ROOT);
        List<Found> raw = new ArrayList<>();
        if (is(l, "person", "name", "people", "individual", "author", "customer", "employee", "patient")) {
            pii(text, PiiDetector.PERSON, raw);
        } else if (is(l, "email", "e-mail", "mail")) {
            pii(text, PiiDetector.EMAIL, raw);
        } else if (is(l, "phone", "telephone", "mobile")) {
            pii(text, PiiDetector.PHONE, raw);
        } else if (is(l, "organization", "organisation", "company", "org", "brand", "employer", "team", "club")) {
            regex(ORG, text, label, 0.75, raw);
        } else if (is(l, "location", "city", "country", "place", "address", "destination", "region", "gpe")) {
            regex(LOCATION, text, label, 0.75, raw);
            pii(text, PiiDetector.ADDRESS, raw);
        } else if (is(l, "date", "time", "day", "deadline", "when")) {
            regex(DATE, text, label, 0.75, raw);
        } else if (is(l, "money", "price", "amount", "cost", "salary", "budget", "revenue", "fee")) {
            regex(MONEY, text, label, 0.75, raw);
        } else if (is(l, "number", "quantity", "count", "age", "year")) {
            regex(NUMBER, text, label, 0.7, raw);
        } else {
            regex(CAPITALISED, text, label, 0.2, raw);
        }
        Map<String, Found> distinct = new LinkedHashMap<>();
        raw.sort(java.util.Comparator.comparingInt(Found::start));
        for (Found f : raw) {
            if (f.score() >= threshold) {
                distinct.putIfAbsent(f.text(), f);
            }
        }
        return new ArrayList<>(distinct.values());
    }

    private static boolean is(String label, String... words) {
        for (String w : words) {
            if (label.equals(w) || label.startsWith(w + " ") || label.endsWith(" " + w) || label.equals(w + "s")
                    || label.endsWith("_" + w) || label.startsWith(w + "_")) {
                return true;
            }
        }
        return false;
    }

    private static void pii(String text, String piiLabel, List<Found> out) {
        for (PiiDetector.Span s : PiiDetector.detect(text)) {
            if (s.label().equals(piiLabel)) {
                out.add(new Found(s.text(), s.start(), s.score()));
            }
        }
    }

    private static void regex(Pattern p, String text, String label, double minScore, List<Found> out) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            double u = (Words.hash(label + '\u0000' + m.group()) >>> 11) * 0x1.0p-53;
            out.add(new Found(m.group(), m.start(), Math.round((minScore + (0.99 - minScore) * u) * 10_000) / 10_000.0));
        }
    }
}
