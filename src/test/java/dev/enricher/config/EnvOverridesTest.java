package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvOverridesTest {
    private final List<ConfigException.Problem> problems = new ArrayList<>();
    private final RawConfig file = YamlConfigReader.read("""
            engine: {retry: {max-attempts: 4}}
            streams: {sasl.mechanism: PLAIN}
            tasks: [{type: iab}]
            """, "t", problems);

    @Test
    void aKeysVariableIsItsNameUpperCasedWithDotsAndDashesAsUnderscores() {
        RawConfig raw = EnvOverrides.apply(file, Map.of("ENRICHER_ENGINE_RETRY_MAX_ATTEMPTS", "2",
                "ENRICHER_KAFKA_STATE_DIR", "/state", "ENRICHER_NOT_A_KEY", "x", "HOME", "/root"), problems);
        assertThat(raw.keys()).containsOnly(entry("engine.retry.max-attempts", "2"),
                entry("kafka.state-dir", "/state"));
        assertThat(problems).isEmpty();
    }

    @Test
    void streamsVariablesAddKafkaPropertiesAndOverrideTheFile() {
        RawConfig raw = EnvOverrides.apply(file, Map.of("ENRICHER_STREAMS_SASL_MECHANISM", "SCRAM-SHA-512",
                "ENRICHER_STREAMS_NUM_STANDBY_REPLICAS", "1"), problems);
        assertThat(raw.streams()).containsOnly(entry("sasl.mechanism", "SCRAM-SHA-512"),
                entry("num.standby.replicas", "1"));
    }

    @Test
    void anUnreadableTaskListIsAProblemAndTheFilesListStays() {
        RawConfig raw = EnvOverrides.apply(file, Map.of("ENRICHER_TASKS", "[{type: pii"), problems);
        assertThat(problems).extracting(Object::toString)
                .containsExactly("ENRICHER_TASKS: is not a valid YAML or JSON list of tasks");
        assertThat(raw.tasks()).isSameAs(file.tasks());
    }
}
