package dev.enricher.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data in text with precompiled patterns: e-mail addresses, phone numbers, credit card
 * numbers (Luhn-checked), IP addresses, US social security numbers, street addresses, and person names
 * (see {@link #NAME_PATTERN}). Phone numbers have 9 to 15 digits, or are a local 7-digit number (555-0123).
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

    private static final Set<String> COMMON_FIRST_NAMES = Set.of("James", "John", "Robert", "Michael", "William",
            "David", "Richard", "Joseph", "Thomas", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven",
            "Andrew", "Peter", "George", "Kevin", "Brian", "Edward", "Jason", "Ryan", "Jacob", "Eric", "Luke", "Adam",
            "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
            "Lisa", "Nancy", "Emily", "Emma", "Olivia", "Sophia", "Anna", "Laura", "Julia", "Maria", "Alice", "Claire",
            "Hannah", "Grace", "Chloe", "Lucy", "Kate", "Amy", "Rachel", "Rebecca", "Helen", "Sophie", "Marie", "Jane",
            "Pierre", "Jean", "Hans", "Klaus", "Giulia", "Marco", "Luca", "Carlos", "Juan", "Ana", "Pablo", "Ahmed",
            "Mohammed", "Fatima", "Wei", "Yuki", "Hiroshi", "Priya", "Raj", "Arjun", "Olga", "Ivan", "Bob", "Tom",
            "Tim", "Jim", "Joe", "Ben", "Sam", "Max", "Alex", "Chris", "Nick", "Dan", "Mike", "Steve", "Liam", "Noah",
            "Ethan", "Lucas", "Mia", "Ava", "Isabella", "Zoe", "Nora", "Eva", "Ella");
    /** Surnames found on their own too ("ask Garcia"): common ones that are rarely anything but a name. */
    private static final Set<String> COMMON_LAST_NAMES = Set.of("Smith", "Johnson", "Williams", "Jones", "Garcia",
            "Rodriguez", "Martinez", "Doe", "Müller", "Schmidt", "Schneider", "Fischer", "Rossi", "Bianchi", "Dubois",
            "Lefebvre", "Fernandez", "Gonzalez", "Kowalski", "Nowak", "Novak", "Ivanov", "Tanaka", "Suzuki", "Nguyen",
            "Patel", "Khan", "Kumar");

    /** A capitalised word, possibly hyphenated; any script's letters. */
    private static final String CAPITALISED = "\\p{Lu}\\p{Ll}+(?:-\\p{Lu}\\p{Ll}+)?";
    /** Not inside a word, before and after ({@code \b} is ASCII-only from Java 19: "Tom" in "Tomás"). */
    private static final String WORD_START = "(?<![\\p{L}\\p{N}_])";
    private static final String WORD_END = "(?![\\p{L}\\p{N}_])";

    /**
     * A person: a title and one or two capitalised words ("Dr. Patel", "Ms Jane Doe"); a known first name and, on
     * the same line, an optional capitalised last name ("Maria", "Maria Garcia", also in "Maria's" and
     * "(Maria Garcia)"); or a known last name on its own ("ask Garcia"). Known names are the built-in common ones and
     * those the sample corpus draws from ({@code samples/first-names.txt}, {@code samples/last-names.txt}), so every
     * name {@code produce --sample} inserts is found.
     */
    private static final Pattern NAME_PATTERN = Pattern.compile(WORD_START + "(?:(?:Mr|Mrs|Ms|Dr|Prof)\\.?\\h+"
            + CAPITALISED + "(?:\\h+" + CAPITALISED + ")?"
            + "|" + alternation(names(COMMON_FIRST_NAMES, "samples/first-names.txt")) + "(?:\\h+" + CAPITALISED + ")?"
            + "|" + alternation(names(COMMON_LAST_NAMES, "samples/last-names.txt")) + ")" + WORD_END);

    /** A phone number without an area code: 555-0123, 555 0123. */
    private static final Pattern LOCAL_PHONE = Pattern.compile("\\d{3}[ .-]\\d{4}");

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
            case PHONE -> digits(s) >= 9 && digits(s) <= 15 && !s.matches("\\d{4}-\\d{2}-\\d{2}")
                    || LOCAL_PHONE.matcher(s).matches();
            default -> true;
        };
    }

    /** The built-in names and the non-comment lines of the class-path resource {@code file}, if it exists. */
    private static Set<String> names(Set<String> builtIn, String file) {
        Set<String> out = new TreeSet<>(builtIn);
        try (InputStream in = PiiDetector.class.getClassLoader().getResourceAsStream(file)) {
            if (in != null) {
                new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    /** The names as one regex alternation, longest first. */
    private static String alternation(Set<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        StringBuilder b = new StringBuilder("(?:");
        for (String n : sorted) {
            b.append(b.length() > 3 ? "|" : "").append(Pattern.quote(n));
        }
        return b.append(')').toString();
    }

    /** Deterministic score per entity; a lone first or last name is less certain than a full name. */
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
