package dev.enricher.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text with precompiled patterns: e-mail addresses, phone numbers, credit card
 * numbers (Luhn-checked), IP addresses, US social security numbers, street addresses, and person names
 * (a known first name, optionally followed by a capitalised last name, or a title and a capitalised name).
 * Offsets here are Java {@code char} (UTF-16) indexes: {@code text.substring(start, end)} is the entity. The API
 * counts code points instead; {@link PiiAnswers} converts when it writes them out. Overlaps are resolved in favour
 * of the more specific kind. Stateless and thread-safe.
 */
final class PiiDetector {
    static final String PERSON = "person";
    static final String EMAIL = "email";
    static final String PHONE = "phone number";
    static final String CREDIT_CARD = "credit card number";
    static final String IP = "ip address";
    static final String SSN = "social security number";
    static final String ADDRESS = "address";

    /** One entity found in the text. */
    record Span(String text, String label, int start, int end, double score) {
    }

    private record Kind(String label, Pattern pattern, double minScore) {
    }

    private static final Set<String> FIRST_NAMES = Set.of("James", "John", "Robert", "Michael", "William", "David",
            "Richard", "Joseph", "Thomas", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven",
            "Andrew", "Peter", "George", "Kevin", "Brian", "Edward", "Jason", "Ryan", "Jacob", "Eric", "Luke", "Adam",
            "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
            "Lisa", "Nancy", "Emily", "Emma", "Olivia", "Sophia", "Anna", "Laura", "Julia", "Maria", "Alice", "Claire",
            "Hannah", "Grace", "Chloe", "Lucy", "Kate", "Amy", "Rachel", "Rebecca", "Helen", "Sophie", "Marie", "Jane",
            "Pierre", "Jean", "Hans", "Klaus", "Giulia", "Marco", "Luca", "Carlos", "Juan", "Ana", "Pablo", "Ahmed",
            "Mohammed", "Fatima", "Wei", "Yuki", "Hiroshi", "Priya", "Raj", "Arjun", "Olga", "Ivan", "Bob", "Tom",
            "Tim", "Jim", "Joe", "Ben", "Sam", "Max", "Alex", "Chris", "Nick", "Dan", "Mike", "Steve", "Liam", "Noah",
            "Ethan", "Lucas", "Mia", "Ava", "Isabella", "Zoe", "Nora", "Eva", "Ella");

    private static final Pattern NAME_PATTERN = Pattern.compile(
            "\\b(?:(?:Mr|Mrs|Ms|Dr|Prof)\\.?\\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
                    + "|(?:" + String.join("|", FIRST_NAMES) + ")(?:\\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?)?)\\b");

    private static final List<Kind> KINDS = List.of(
            new Kind(EMAIL, Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"), 0.9),
            new Kind(CREDIT_CARD, Pattern.compile("(?<![\\d-])\\d{4}(?:[ -]?\\d{4}){2}[ -]?\\d{1,7}(?![\\d-])"), 0.85),
            new Kind(SSN, Pattern.compile("(?<![\\d-])\\d{3}-\\d{2}-\\d{4}(?![\\d-])"), 0.8),
            new Kind(IP, Pattern.compile("(?<!\\d|\\d\\.)(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?!\\d|\\.\\d)"), 0.85),
            new Kind(PHONE, Pattern.compile("(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{2,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){1,4}(?![\\w])"), 0.8),
            new Kind(ADDRESS, Pattern.compile("\\b\\d{1,5}\\s+(?:[A-Z][a-z]+\\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Way|Court|Ct|Place|Square)\\b"), 0.75),
            new Kind(PERSON, NAME_PATTERN, 0.7));

    private PiiDetector() {
    }

    /** Every entity found, ordered by start offset, without overlaps. */
    static List<Span> detect(String text) {
        List<Span> found = new ArrayList<>();
        for (Kind k : KINDS) {
            Matcher m = k.pattern().matcher(text);
            while (m.find()) {
                String s = m.group();
                if (!valid(k.label(), s) || overlaps(found, m.start(), m.end())) {
                    continue;
                }
                found.add(new Span(s, k.label(), m.start(), m.end(), score(k, s)));
            }
        }
        found.sort(Comparator.comparingInt(Span::start));
        return found;
    }

    private static boolean valid(String label, String s) {
        return switch (label) {
            case CREDIT_CARD -> luhn(s);
            case PHONE -> digits(s) >= 9 && digits(s) <= 15 && !s.matches("\\d{4}-\\d{2}-\\d{2}");
            default -> true;
        };
    }

    /** Deterministic score per entity; a lone first name is less certain than a full name. */
    private static double score(Kind k, String s) {
        double min = k.minScore();
        if (PERSON.equals(k.label()) && s.indexOf(' ') < 0) {
            min = 0.55;
        }
        double u = (Words.hash(k.label() + ':' + s) >>> 11) * 0x1.0p-53;
        return Math.round((min + (0.99 - min) * u) * 10_000) / 10_000.0;
    }

    private static boolean overlaps(List<Span> spans, int start, int end) {
        for (Span s : spans) {
            if (start < s.end() && s.start() < end) {
                return true;
            }
        }
        return false;
    }

    private static int digits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    private static boolean luhn(String s) {
        int sum = 0;
        int count = 0;
        boolean dbl = false;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (!Character.isDigit(c)) {
                continue;
            }
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
            count++;
        }
        return count >= 13 && count <= 19 && sum % 10 == 0;
    }
}
