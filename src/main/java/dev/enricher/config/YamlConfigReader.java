package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a configuration file's text (after {@link EnvSubstitution}) as YAML: nested sections flatten to dotted keys
 * ({@code engine: {retry: {max-attempts: 4}}} is {@code engine.retry.max-attempts}), {@code streams:} is kept as
 * Kafka properties (nested mappings flatten to Kafka's dotted names), {@code tasks:} is kept as a tree. A name that no
 * key declares is reported with the nearest declared one.
 */
final class YamlConfigReader {
    /** The one YAML reader of the configuration (thread-safe once configured, as Jackson's mappers are). */
    static final ObjectMapper YAML = new YAMLMapper();

    private YamlConfigReader() {
    }

    /**
     * Adds to {@code problems} what is wrong but readable.
     *
     * @throws ConfigException with {@code problems} and the reason, when the text is not YAML or not a mapping: nothing
     *                         more can be checked then
     */
    static RawConfig read(String text, String source, List<ConfigException.Problem> problems) {
        JsonNode root;
        try {
            root = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
        } catch (IOException e) {
            problems.add(new ConfigException.Problem("file", "is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse("")));
            throw new ConfigException(source, problems);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            problems.add(new ConfigException.Problem("file", "must be a YAML mapping of sections (kafka:, api:, tasks: ...)"));
            throw new ConfigException(source, problems);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, String> streams = new LinkedHashMap<>();
        JsonNode tasks = null;
        JsonNode models = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(RawConfig.STREAMS)) {
                readStreams(e.getValue(), streams, problems);
            } else if (e.getKey().equals(RawConfig.TASKS)) {
                tasks = e.getValue();
            } else if (e.getKey().equals(RawConfig.MODELS)) {
                models = e.getValue();
            } else {
                flatten(e.getKey(), e.getValue(), keys, problems);
            }
        }
        for (String name : keys.keySet()) {
            if (!ConfigKeys.isDeclared(name)) {
                problems.add(new ConfigException.Problem(name, "is not a known key"
                        + DidYouMean.nearest(name, ConfigKeys.names()).map(n -> " (did you mean " + n + "?)").orElse("")
                        + "; see README, Configuration"));
            }
        }
        return new RawConfig(keys, streams, tasks, models);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out,
                                List<ConfigException.Problem> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix + "." + e.getKey(), e.getValue(), out, problems);
            }
        } else if (node.isArray() && ConfigKeys.isList(prefix)) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (!item.isValueNode() || item.asText().contains(",")) {
                    problems.add(new ConfigException.Problem(prefix, "must be a list of names, e.g. [email, user_id]"));
                    return;
                }
                items.add(item.asText());
            }
            out.put(prefix, String.join(",", items));
        } else if (node.isArray()) {
            problems.add(new ConfigException.Problem(prefix, "is a list, but a single value is expected here"));
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    private static void readStreams(JsonNode node, Map<String, String> out, List<ConfigException.Problem> problems) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problems.add(new ConfigException.Problem(RawConfig.STREAMS, "must be a mapping of Kafka properties "
                    + "(e.g. security.protocol: SASL_SSL)"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                // Nested YAML (security: {protocol: SASL_SSL}) flattens to Kafka's dotted names.
                flatten(e.getKey(), v, out, problems);
            } else if (v.isArray()) {
                problems.add(new ConfigException.Problem(RawConfig.STREAMS + "." + e.getKey(),
                        "is a list; Kafka lists are one comma-separated string"));
            } else if (!v.isNull()) {
                out.put(e.getKey(), v.asText());
            }
        }
    }
}
