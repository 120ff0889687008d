package dev.enricher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.config.EnricherConfig;
import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration instances of a chaos run start with: the user's settings where they matter, the run's elsewhere. */
class ChaosConfigTest {
    @TempDir
    Path dir;

    ChaosSettings settings(Path userConfig) {
        return new ChaosSettings(Duration.ofMinutes(1), 2, ProcessingGuarantee.AT_LEAST_ONCE, 100,
                EnumSet.allOf(FaultKind.class), 99, userConfig, dir, 100, Duration.ofMinutes(1), 0.02, false);
    }

    @Test
    void withoutAConfigurationTheThreeBuiltInTasksRunOnTheRunsBrokerAndApi() {
        String yaml = ChaosConfig.instanceYaml(Map.of(), settings(null), 9092, "http://127.0.0.1:5555/v1", 1);
        EnricherConfig c = EnricherConfig.parse(yaml, Map.of(ChaosRun.API_KEY_ENV, "zgpu-chaos-key"), "chaos");
        assertThat(c.tasks()).extracting(t -> t.name()).containsExactly("iab", "questions", "pii");
        assertThat(c.pipeline().guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
        assertThat(c.pipeline().inputTopic()).isEqualTo(ChaosRun.INPUT_TOPIC);
        assertThat(c.client().baseUrl().toString()).isEqualTo("http://127.0.0.1:5555/v1");
        assertThat(c.streamsProperties()).containsEntry("max.poll.interval.ms", "20000");
        assertThat(yaml).as("the key comes from the environment, never the file").doesNotContain("zgpu-chaos-key")
                .contains("instance-1");
    }

    @Test
    void aUsersConfigurationKeepsItsTasksEngineAndStreamsSettings() throws Exception {
        Path user = dir.resolve("enricher.yaml");
        Files.writeString(user, """
                kafka:
                  bootstrap-servers: broker.prod:9092
                  input-topic: prod-events
                api:
                  base-url: https://api.zerogpu.ai/v1
                  api-key-file: /run/secrets/key
                  auth-header: Authorization
                  auth-scheme: Bearer
                engine:
                  max-in-flight: 64
                registry:
                  url: https://registry.prod
                  username: svc
                streams:
                  max.poll.interval.ms: 40000
                tasks:
                  - {name: topics, type: zero_shot, options: {labels: [sports, politics]}}
                """);
        String yaml = ChaosConfig.instanceYaml(ChaosConfig.read(user), settings(user), 9092,
                "http://127.0.0.1:5555/v1", 0);
        EnricherConfig c = EnricherConfig.parse(yaml, Map.of(ChaosRun.API_KEY_ENV, "zgpu-chaos-key"), "chaos");
        assertThat(c.tasks()).extracting(t -> t.name()).containsExactly("topics");
        assertThat(c.engine().maxInFlight()).isEqualTo(64);
        assertThat(c.client().authHeader()).isEqualTo("Authorization");
        assertThat(c.client().baseUrl().toString()).isEqualTo("http://127.0.0.1:5555/v1");
        assertThat(c.streamsProperties()).containsEntry("max.poll.interval.ms", "40000");
        assertThat(c.pipeline().inputTopic()).isEqualTo(ChaosRun.INPUT_TOPIC);
        assertThat(c.inMemoryRegistry()).isTrue();
        assertThat(yaml).doesNotContain("broker.prod").doesNotContain("/run/secrets/key");
    }

    @Test
    void aFileThatIsNotAMappingIsNamed() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "- just\n- a list\n");
        assertThatThrownBy(() -> ChaosConfig.read(bad)).hasMessageContaining(bad.toString())
                .hasMessageContaining("mapping");
        assertThatThrownBy(() -> ChaosConfig.read(dir.resolve("missing.yaml"))).hasMessageContaining("cannot be read");
    }
}
