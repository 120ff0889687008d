package dev.enricher.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The typed value of every declared key that has one (given or by default). Immutable. */
final class ConfigValues {
    private final Map<ConfigKey<?>, Object> values;

    private ConfigValues(Map<ConfigKey<?>, Object> values) {
        this.values = values;
    }

    /**
     * Types the text of every declared key; names no key declares are ignored (they were reported when read). A
     * required key without text, or a text its type refuses, is a problem; a secret's value is never quoted in one.
     */
    static ConfigValues parse(Map<String, String> text, List<ConfigException.Problem> problems) {
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKeys.all()) {
            String v = text.get(k.name());
            if (v == null) {
                if (k.required()) {
                    problems.add(new ConfigException.Problem(k.name(), "is required: set it in the file or as "
                            + k.envVar() + " (" + k.type().describe() + ")"));
                } else if (k.defaultValue() != null) {
                    values.put(k, k.defaultValue());
                }
                continue;
            }
            try {
                values.put(k, k.type().parse(v));
            } catch (IllegalArgumentException e) {
                String shown = k.secret() ? "the value" : "'" + v + "'";
                problems.add(new ConfigException.Problem(k.name(), shown + " " + e.getMessage()));
            }
        }
        return new ConfigValues(values);
    }

    /** The value, or null when the key has none (not given, no default, or refused). */
    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }
}
