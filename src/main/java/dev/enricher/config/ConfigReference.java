package dev.enricher.config;

/**
 * The configuration reference, a Markdown table generated from the key declarations ({@link ConfigKeys}); README.md
 * holds a copy between its {@code config-reference} markers, kept equal by a test.
 */
final class ConfigReference {
    private ConfigReference() {
    }

    /** One row per key, in declaration order, then the {@code streams.*} and {@code tasks} sections. */
    static String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("| key | environment variable | type | default | description |\n");
        s.append("|---|---|---|---|---|\n");
        for (ConfigKey<?> k : ConfigKeys.all()) {
            s.append("| `").append(k.name()).append("` | `").append(k.envVar()).append("` | ")
                    .append(k.type().describe()).append(" | ").append(defaultCell(k))
                    .append(" | ").append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        s.append("| `streams.*` | `ENRICHER_STREAMS_<NAME>` (dots as `_`) | Kafka property | | Any Kafka Streams, "
                + "consumer, producer or admin property, passed through (security.protocol, sasl.*, ssl.*, "
                + "num.standby.replicas, commit.interval.ms ...). |\n");
        s.append("| `tasks` | `ENRICHER_TASKS` (YAML/JSON list) | list of {name, type, model, options} | **required** "
                + "| The enrichment tasks run on every event; see Tasks. |\n");
        return s.toString();
    }

    private static String defaultCell(ConfigKey<?> k) {
        if (k.required()) {
            return "**required**";
        }
        return k.defaultValue() == null ? "" : "`" + k.format(k.defaultValue()) + "`";
    }
}
