package dev.enricher.config;

import java.util.List;

/**
 * The checks across keys, made once every key is valid on its own: each part's settings are built, since each
 * validates itself (an engine setting against another, the three topics against each other...), and a Kafka
 * property under {@code streams:} may not set what a {@code kafka.*} key owns.
 */
final class CrossChecks {
    /** Kafka Streams properties that {@code kafka.*} keys set. */
    private static final List<String> OWNED_BY_KEYS = List.of("application.id", "bootstrap.servers",
            "processing.guarantee", "num.stream.threads", "state.dir");

    private CrossChecks() {
    }

    static void check(EnricherConfig config, List<ConfigException.Problem> problems) {
        if ((config.get(ConfigKeys.REGISTRY_USER) == null) != (config.get(ConfigKeys.REGISTRY_PASSWORD) == null)) {
            problems.add(new ConfigException.Problem(config.get(ConfigKeys.REGISTRY_USER) == null
                    ? ConfigKeys.REGISTRY_USER.name() : ConfigKeys.REGISTRY_PASSWORD.name(),
                    "is missing: basic auth needs both registry.username and registry.password"));
            return;
        }
        if (!config.inMemoryRegistry()) {
            builds("registry", config::registry, problems);
        }
        builds("engine", config::engine, problems);
        builds("input", config::decoder, problems);
        if (config.hasApiKey()) {
            builds("api", config::client, problems);
        }
        int before = problems.size();
        builds(config.get(ConfigKeys.PRIVACY_REDACT_WITH) == null ? RawConfig.TASKS : "privacy", config::graph,
                problems);
        if (problems.size() == before) {
            builds("kafka", config::pipeline, problems);
        }
        for (String property : OWNED_BY_KEYS) {
            if (config.streamsProperties().containsKey(property)) {
                problems.add(new ConfigException.Problem(RawConfig.STREAMS + "." + property,
                        "is set by a kafka.* key; set that instead"));
            }
        }
    }

    /** Builds one part's settings; what it refuses is a problem of {@code section}. */
    private static void builds(String section, Runnable build, List<ConfigException.Problem> problems) {
        try {
            build.run();
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem(section, e.getMessage()));
        }
    }
}
