package dev.enricher.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration file each instance of a chaos run starts with: the user's configuration (or three built-in tasks:
 * IAB, follow-up questions, PII redaction) with the run's broker, topics, input format, registry, API address and state
 * directory, the API key from the environment, and short timeouts so that faults are noticed within the run. What the
 * user set in {@code streams} is kept; their tasks (each sending its inputs whole: {@code on-long-input: dead-letter}),
 * engine and API settings are what runs.
 */
final class ChaosConfig {
    private static final ObjectMapper YAML = new YAMLMapper();

    private ChaosConfig() {
    }

    /**
     * Reads a configuration file as a YAML tree.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file) {
        try {
            Object v = YAML.readValue(file.toFile(), Object.class);
            if (!(v instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("--config " + file
                        + ": expected a YAML mapping at the top (kafka:, api:, tasks: ...)");
            }
            return (Map<String, Object>) v;
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * @param apiUrl the simulator's base URL; null before it runs (the text is then only validated)
     */
    @SuppressWarnings("unchecked")
    static String instanceYaml(Map<String, Object> user, ChaosSettings settings, int brokerPort, String apiUrl,
                               int instance) {
        Map<String, Object> root = YAML.convertValue(user, LinkedHashMap.class);
        Map<String, Object> kafka = section(root, "kafka");
        kafka.put("bootstrap-servers", "127.0.0.1:" + brokerPort);
        kafka.put("application-id", "chaos-" + Long.toHexString(settings.seed()));
        kafka.put("state-dir", settings.workDir().resolve("instance-" + instance).resolve("state").toString());
        kafka.put("input-topic", ChaosRun.INPUT_TOPIC);
        kafka.put("enriched-topic", ChaosRun.ENRICHED_TOPIC);
        kafka.put("dead-letter-topic", ChaosRun.DEAD_LETTER_TOPIC);
        kafka.put("guarantee", settings.guarantee().streamsValue());
        Map<String, Object> input = section(root, "input");
        input.put("format", "json");
        input.put("text-pointer", "/text");
        input.put("id-pointer", "/id");
        input.put("max-bytes", ChaosStream.MAX_BYTES);
        Map<String, Object> api = section(root, "api");
        api.put("base-url", apiUrl != null ? apiUrl : "http://127.0.0.1:1/v1");
        api.remove("api-key-file");
        api.put("api-key", "${" + ChaosRun.API_KEY_ENV + "}");
        api.put("request-timeout", "2s");
        Map<String, Object> retry = section(section(root, "engine"), "retry");
        // Transient errors must outlast every fault of the run: a dead letter caused by one is a failure.
        retry.put("max-attempts", 100);
        retry.put("max-elapsed", "30m");
        root.put("registry", new LinkedHashMap<>(Map.of("url", "memory")));
        root.put("ops", new LinkedHashMap<>(Map.of("host", "127.0.0.1", "port", 0)));
        Map<String, Object> streams = section(root, "streams");
        streams.putIfAbsent("max.poll.interval.ms", 20_000);
        streams.putIfAbsent("session.timeout.ms", 10_000);
        streams.putIfAbsent("heartbeat.interval.ms", 2_000);
        if (!root.containsKey("tasks")) {
            root.put("tasks", List.of(
                    Map.of("name", "iab", "type", "iab"),
                    Map.of("name", "questions", "type", "followup_questions"),
                    Map.of("name", "pii", "type", "pii", "options", Map.of("usecase", "redact"))));
        }
        // Inputs go whole: the stream's TOO_LONG_FOR_MODEL records must be refused by the API (a dead letter each),
        // and the checker's expected results are those of whole-input calls. Chunking is proven elsewhere.
        List<Object> tasks = new ArrayList<>((List<Object>) root.get("tasks"));
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) instanceof Map<?, ?> task) {
                Map<String, Object> t = new LinkedHashMap<>((Map<String, Object>) task);
                t.remove("on_long_input");
                t.put("on-long-input", "dead-letter");
                tasks.set(i, t);
            }
        }
        root.put("tasks", tasks);
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String name) {
        Object v = parent.get(name);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        parent.put(name, s);
        return s;
    }
}
