package dev.enricher.it;

import dev.enricher.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Scenario 1 again on Testcontainers' Kafka (Apache Kafka's own image, the broker version the project targets),
 * wherever a Docker engine exists; skipped, not failed, on machines without one.
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(ApiKeyNeverLogged.class)
class PipelineOnKafkaContainerTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @TempDir
    Path dir;
    private PipelineFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void tenThousandEventsAreEnrichedByThreeTasks() {
        fx = PipelineFixture.external(KAFKA.getBootstrapServers(), dir,
                SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(1));
        ThreeTasksScenario.run(fx, 10_000, Duration.ofMinutes(3));
    }
}
