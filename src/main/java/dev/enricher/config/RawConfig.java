package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration as text, before any value is typed: what the file gives ({@link YamlConfigReader}), then what
 * the environment overrides ({@link EnvOverrides}).
 *
 * @param keys    dotted key name to its text, in the order read; names may be unknown (they were reported)
 * @param streams Kafka property name to its text: the {@code streams:} section, passed through untyped
 * @param tasks   the {@code tasks:} section as read, not yet checked (see {@link TaskListReader}); null when absent.
 *                Not to be modified.
 * @param models  the {@code models:} section as read (see {@link ModelListReader}); null when absent
 */
record RawConfig(Map<String, String> keys, Map<String, String> streams, JsonNode tasks, JsonNode models) {
    /** The sections that are not plain keys. */
    static final String STREAMS = "streams";
    static final String TASKS = "tasks";
    static final String MODELS = "models";

    RawConfig(Map<String, String> keys, Map<String, String> streams, JsonNode tasks) {
        this(keys, streams, tasks, null);
    }

    RawConfig {
        // Copies that keep the order: the effective configuration lists streams properties as they were given.
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        streams = Collections.unmodifiableMap(new LinkedHashMap<>(streams));
    }
}
