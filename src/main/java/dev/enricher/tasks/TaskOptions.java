package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a {@link TaskSpec}'s options, each failure an {@link IllegalArgumentException} that names the
 * task, the key, what is valid and what was given: {@code task 'pii': option 'threshold' must be a number between
 * 0 and 1, was 'high'}. Unknown keys are refused on construction (a typo must not silently fall back to a default).
 */
final class TaskOptions {
    private final String task;
    private final Map<String, Object> values;

    TaskOptions(String task, Map<String, Object> values, List<String> validKeys) {
        this.task = task;
        // Keys are snake_case; a YAML user's kebab-case (fallback-model) means the same key.
        Map<String, Object> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String key = e.getKey().replace('-', '_');
            if (normalized.put(key, e.getValue()) != null) {
                throw new InvalidOptionException("task '" + task + "': option '" + key + "' is given twice (once"
                        + " with '-', once with '_')");
            }
        }
        this.values = normalized;
        for (String key : normalized.keySet()) {
            if (!validKeys.contains(key)) {
                throw new InvalidOptionException("task '" + task + "': unknown option '" + key + "'; valid options: "
                        + (validKeys.isEmpty() ? "none" : String.join(", ", validKeys)));
            }
        }
    }

    /** A non-blank string, or null when unset. */
    String string(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw invalid(key, "must be a non-blank string", v);
        }
        return s;
    }

    /** A number in {@code [min, max]} (a numeric string is accepted too), or {@code dflt} when unset. */
    Double number(String key, double min, double max, Double dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        Double d = toDouble(v);
        if (d == null || !(d >= min && d <= max)) {
            throw invalid(key, "must be a number between " + format(min) + " and " + format(max), v);
        }
        return d;
    }

    /** A positive whole number (a numeric string is accepted too), or null when unset. */
    Integer positiveInt(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        Double d = toDouble(v);
        if (d == null || d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw invalid(key, "must be a whole number greater than 0", v);
        }
        return d.intValue();
    }

    /** One of {@code choices}' keys, or {@code dflt} when unset. */
    <E> E choice(String key, Map<String, E> choices, E dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        E e = v instanceof String s ? choices.get(s) : null;
        if (e == null) {
            throw invalid(key, "must be one of " + String.join(", ", choices.keySet()), v);
        }
        return e;
    }

    /** A list of non-blank strings; null when unset and not {@code required}. */
    List<String> stringList(String key, boolean required, String what) {
        Object v = values.get(key);
        if (v == null) {
            if (required) {
                throw missing(key, "a list of " + what);
            }
            return null;
        }
        List<String> list = strings(v);
        if (list == null || list.isEmpty()) {
            throw invalid(key, "must be a non-empty list of " + what + " (non-blank strings)", v);
        }
        return list;
    }

    /** A required map from name to a non-empty list of non-blank strings (the GLiNER2 {@code schema}). */
    Map<String, List<String>> schema(String key, String keyWhat, String itemWhat) {
        Object v = values.get(key);
        if (v == null) {
            throw missing(key, "a map from " + keyWhat + " to a list of " + itemWhat);
        }
        String mustBe = "must be a non-empty map from " + keyWhat + " name to a non-empty list of " + itemWhat;
        if (!(v instanceof Map<?, ?> map) || map.isEmpty()) {
            throw invalid(key, mustBe, v);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> items = strings(e.getValue());
            if (!(e.getKey() instanceof String k) || k.isBlank() || items == null || items.isEmpty()) {
                throw invalid(key, mustBe, v);
            }
            out.put(k, items);
        }
        return out;
    }

    /** A whole number in {@code [min, max]} (a numeric string is accepted too), or null when unset. */
    Integer wholeNumber(String key, int min, int max) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        Double d = toDouble(v);
        if (d == null || d != Math.rint(d) || d < min || d > max) {
            throw invalid(key, "must be a whole number between " + min + " and " + max, v);
        }
        return d.intValue();
    }

    /** A boolean ({@code true}/{@code false}, also as text), or null when unset. */
    Boolean bool(String key) {
        Object v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw invalid(key, "must be true or false", v);
    }

    /** The value as configured (a string, number, boolean, list or map), or null when unset. */
    Object raw(String key) {
        return values.get(key);
    }

    /** The error for option {@code key}: it {@code mustBe} something, and was {@code was}. */
    IllegalArgumentException invalidOption(String key, String mustBe, Object was) {
        return invalid(key, mustBe, was);
    }

    IllegalArgumentException wrap(IllegalArgumentException e) {
        String message = e.getMessage();
        if (message != null && message.startsWith("task '" + task + "'")) {
            return new InvalidOptionException(message, e); // already names the task
        }
        return new InvalidOptionException("task '" + task + "': " + message, e);
    }

    private InvalidOptionException missing(String key, String what) {
        return new InvalidOptionException("task '" + task + "': option '" + key + "' is required: " + what);
    }

    private InvalidOptionException invalid(String key, String mustBe, Object was) {
        return new InvalidOptionException("task '" + task + "': option '" + key + "' " + mustBe + ", was "
                + show(was));
    }

    /** An error that already names the task; callers pass it on unwrapped. */
    static final class InvalidOptionException extends IllegalArgumentException {
        InvalidOptionException(String message) {
            super(message);
        }

        InvalidOptionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static List<String> strings(Object v) {
        if (!(v instanceof Collection<?> c)) {
            return null;
        }
        List<String> out = new ArrayList<>(c.size());
        for (Object item : c) {
            if (!(item instanceof String s) || s.isBlank()) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    private static Double toDouble(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.strip());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Strings quoted so that {@code 'high'} and {@code high} read apart from numbers and lists. */
    private static String show(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }
}
