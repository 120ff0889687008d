package dev.enricher.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a configuration value: how text becomes a value, and what a person is told when it cannot.
 * Parsers throw {@link IllegalArgumentException} with a message that says what is valid; the caller adds the key
 * (and leaves out the value of a secret). Immutable.
 */
final class ConfigType<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String description;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private ConfigType(String description, Function<String, T> parser, Function<T, String> formatter) {
        this.description = description;
        this.parser = parser;
        this.formatter = formatter;
    }

    private static <T> ConfigType<T> of(String description, Function<String, T> parser) {
        return new ConfigType<>(description, parser, String::valueOf);
    }

    /** Parses the text form; never returns null. */
    T parse(String text) {
        return parser.apply(text);
    }

    /** What a valid value looks like, for messages and the reference. */
    String describe() {
        return description;
    }

    /** The value as written in configuration (for the reference's defaults). */
    String format(T value) {
        return formatter.apply(value);
    }

    static final ConfigType<String> STRING = of("text",
            text -> nonBlank(text, "is blank; give a value or leave the key out"));

    /** Text that may be empty (an empty auth scheme). */
    static final ConfigType<String> TEXT = of("text, may be empty", String::trim);

    static final ConfigType<String> PASSWORD = new ConfigType<>("secret text (never logged; give it as ${ENV_VAR})",
            text -> nonBlank(text, "is blank; give the secret (e.g. as ${ENV_VAR}) or leave the key out"),
            value -> "****");

    static final ConfigType<Boolean> BOOLEAN = of("true or false", ConfigType::parseBoolean);

    /**
     * A list of names: a YAML list, or one comma-separated string (as an environment variable gives it); blanks
     * and repeats dropped.
     */
    static final ConfigType<List<String>> NAMES = new ConfigType<>("a list of names, e.g. [email, user_id]",
            text -> java.util.Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).distinct()
                    .toList(), value -> String.join(",", value));

    static final ConfigType<Path> PATH = of("a file system path", ConfigType::parsePath);

    static final ConfigType<URI> URL = of("an http(s) URL", ConfigType::parseUrl);

    static final ConfigType<Duration> DURATION_TYPE = new ConfigType<>("a duration: 250ms, 30s, 5m, 1h, 7d",
            ConfigType::parseDuration, ConfigType::formatDuration);

    static ConfigType<Integer> intRange(int min, int max) {
        String range = max == Integer.MAX_VALUE ? "a whole number >= " + min
                : "a whole number from " + min + " to " + max;
        return number(range, "is not a whole number", Integer::parseInt, v -> v >= min && v <= max);
    }

    static ConfigType<Double> doubleMin(double min) {
        String range = "a number >= " + (min == Math.rint(min) ? String.valueOf((long) min) : String.valueOf(min));
        // NaN is no number >= min either.
        return number(range, "is not a number", Double::parseDouble, v -> v >= min && !v.isInfinite());
    }

    static ConfigType<Double> doubleRange(double min, double max) {
        String range = "a number from " + min + " to " + max;
        return number(range, "is not a number", Double::parseDouble, v -> v >= min && v <= max);
    }

    private static <N> ConfigType<N> number(String range, String notANumber, Function<String, N> parse,
                                            Predicate<N> inRange) {
        return of(range, text -> {
            N v;
            try {
                v = parse.apply(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(notANumber + "; " + range);
            }
            if (!inRange.test(v)) {
                throw new IllegalArgumentException("is out of range; " + range);
            }
            return v;
        });
    }

    /** One of {@code values} (case-insensitive; dashes and underscores alike), returned in its canonical form. */
    static ConfigType<String> oneOf(String... values) {
        List<String> valid = List.of(values);
        return of("one of " + String.join(", ", valid), text -> {
            String t = normalize(text);
            for (String v : valid) {
                if (normalize(v).equals(t)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("is not valid; give one of " + String.join(", ", valid));
        });
    }

    private static String nonBlank(String text, String whenBlank) {
        if (text.isBlank()) {
            throw new IllegalArgumentException(whenBlank);
        }
        return text.trim();
    }

    private static Boolean parseBoolean(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("is not a boolean; give true or false");
    }

    private static Path parsePath(String text) {
        try {
            return Path.of(nonBlank(text, "is blank; give a file system path"));
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path (" + e.getReason() + ")");
        }
    }

    private static URI parseUrl(String text) {
        URI u;
        try {
            u = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a URL; give e.g. https://host:8443/path");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("is not an http or https URL with a host; give e.g. https://host:8443/path");
        }
        return u;
    }

    private static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("is not a duration; give a number with a unit (250ms, 30s, 5m, 1h, 7d) "
                + "or ISO-8601 (PT30S)");
    }

    private static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String normalize(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
