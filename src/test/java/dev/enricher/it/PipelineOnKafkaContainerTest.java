package dev.enricher.it;

import dev.enricher.testing.PipelineFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Scenario 1 again on Testcontainers' Kafka (Apache Kafka's own image, the broker version the project targets),
 * wherever a Docker engine exists; skipped, not failed, on machines without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineOnKafkaContainerTest {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.on(KAFKA::getBootstrapServers);

    @Test
    void tenThousandEventsAreEnrichedByThreeTasks() {
        ThreeTasksScenario.run(fx, 10_000, Duration.ofMinutes(3));
    }
}
