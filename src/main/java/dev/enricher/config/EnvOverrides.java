package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Environment variables over the file, so that a container can be configured without one: {@link ConfigKey#envVar()}
 * sets its key ({@code ENRICHER_ENGINE_MAX_IN_FLIGHT}), {@value #STREAMS_PREFIX}{@code <NAME>} a Kafka property
 * (underscores as dots, lower-cased: {@code ENRICHER_STREAMS_NUM_STANDBY_REPLICAS} is {@code num.standby.replicas}),
 * and {@value #TASKS} replaces the task list with a YAML or JSON one.
 */
final class EnvOverrides {
    static final String STREAMS_PREFIX = "ENRICHER_STREAMS_";
    static final String TASKS = "ENRICHER_TASKS";

    private EnvOverrides() {
    }

    /** {@code file} with what {@code env} sets; a task list that cannot be read is a problem, and the file's is kept. */
    static RawConfig apply(RawConfig file, Map<String, String> env, List<ConfigException.Problem> problems) {
        Map<String, String> keys = new LinkedHashMap<>(file.keys());
        for (ConfigKey<?> k : ConfigKeys.all()) {
            String v = env.get(k.envVar());
            if (v != null) {
                keys.put(k.name(), v);
            }
        }
        Map<String, String> streams = new LinkedHashMap<>(file.streams());
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(STREAMS_PREFIX)) {
                streams.put(propertyName(e.getKey()), e.getValue());
            }
        }
        JsonNode tasks = file.tasks();
        if (env.get(TASKS) != null) {
            try {
                tasks = YamlConfigReader.YAML.readTree(env.get(TASKS));
            } catch (IOException e) {
                problems.add(new ConfigException.Problem(TASKS, "is not a valid YAML or JSON list of tasks"));
            }
        }
        return new RawConfig(keys, streams, tasks, file.models());
    }

    /** {@code ENRICHER_STREAMS_NUM_STANDBY_REPLICAS} to {@code num.standby.replicas}. */
    static String propertyName(String envVar) {
        return envVar.substring(STREAMS_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }
}
