package dev.enricher.config;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a configuration value: how text becomes a value, and what a person is told when it cannot.
 * Parsers throw {@link IllegalArgumentException} with a message that says what is valid; the caller adds the key
 * (and leaves out the value of a secret).
 */
abstract class ConfigType<T> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Parses the text form; never returns null. */
    abstract T parse(String text);

    /** What a valid value looks like, for messages and the reference. */
    abstract String describe();

    /** The value as written in configuration (for the reference's defaults). */
    String format(T value) {
        return String.valueOf(value);
    }

    static final ConfigType<String> STRING = new ConfigType<>() {
        @Override
        String parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("is blank; give a value or leave the key out");
            }
            return text.trim();
        }

        @Override
        String describe() {
            return "text";
        }
    };

    /** Text that may be empty (an empty auth scheme). */
    static final ConfigType<String> TEXT = new ConfigType<>() {
        @Override
        String parse(String text) {
            return text.trim();
        }

        @Override
        String describe() {
            return "text, may be empty";
        }
    };

    static final ConfigType<String> PASSWORD = new ConfigType<>() {
        @Override
        String parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("is blank; give the secret (e.g. as ${ENV_VAR}) or leave the key out");
            }
            return text.trim();
        }

        @Override
        String describe() {
            return "secret text (never logged; give it as ${ENV_VAR})";
        }

        @Override
        String format(String value) {
            return "****";
        }
    };

    static final ConfigType<Boolean> BOOLEAN = new ConfigType<>() {
        @Override
        Boolean parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("is not a boolean; give true or false");
        }

        @Override
        String describe() {
            return "true or false";
        }
    };

    static final ConfigType<Path> PATH = new ConfigType<>() {
        @Override
        Path parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("is blank; give a file system path");
            }
            try {
                return Path.of(text.trim());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path (" + e.getReason() + ")");
            }
        }

        @Override
        String describe() {
            return "a file system path";
        }
    };

    static final ConfigType<URI> URL = new ConfigType<>() {
        @Override
        URI parse(String text) {
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

        @Override
        String describe() {
            return "an http(s) URL";
        }
    };

    static final ConfigType<Duration> DURATION_TYPE = new ConfigType<>() {
        @Override
        Duration parse(String text) {
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
            if (t.startsWith("pt") || t.startsWith("p")) {
                try {
                    return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
                } catch (DateTimeParseException e) {
                    // fall through to the message below
                }
            }
            throw new IllegalArgumentException("is not a duration; give a number with a unit (250ms, 30s, 5m, 1h) "
                    + "or ISO-8601 (PT30S)");
        }

        @Override
        String describe() {
            return "a duration: 250ms, 30s, 5m, 1h";
        }

        @Override
        String format(Duration d) {
            long ms = d.toMillis();
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
    };

    static ConfigType<Integer> intRange(int min, int max) {
        return new ConfigType<>() {
            @Override
            Integer parse(String text) {
                int v;
                try {
                    v = Integer.parseInt(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a whole number; " + describe());
                }
                if (v < min || v > max) {
                    throw new IllegalArgumentException("is out of range; " + describe());
                }
                return v;
            }

            @Override
            String describe() {
                return max == Integer.MAX_VALUE ? "a whole number >= " + min : "a whole number from " + min + " to " + max;
            }
        };
    }

    static ConfigType<Double> doubleMin(double min) {
        return new ConfigType<>() {
            @Override
            Double parse(String text) {
                double v;
                try {
                    v = Double.parseDouble(text.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("is not a number; " + describe());
                }
                if (!(v >= min) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("is out of range; " + describe());
                }
                return v;
            }

            @Override
            String describe() {
                return "a number >= " + (min == Math.rint(min) ? String.valueOf((long) min) : String.valueOf(min));
            }
        };
    }

    /** One of {@code values} (case-insensitive; dashes and underscores alike), returned in its canonical form. */
    static ConfigType<String> oneOf(String... values) {
        List<String> valid = List.of(values);
        return new ConfigType<>() {
            @Override
            String parse(String text) {
                String t = normalize(text);
                for (String v : valid) {
                    if (normalize(v).equals(t)) {
                        return v;
                    }
                }
                throw new IllegalArgumentException("is not valid; give one of " + String.join(", ", valid));
            }

            @Override
            String describe() {
                return "one of " + String.join(", ", valid);
            }
        };
    }

    private static String normalize(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
