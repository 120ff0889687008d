package dev.enricher.it;

import dev.enricher.testing.PipelineFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scenario 1 on the in-process KRaft broker: 10,000 events through three tasks, all enriched. */
class ThreeTasksPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void tenThousandEventsAreEnrichedByThreeTasks() {
        ThreeTasksScenario.run(fx, 10_000, Duration.ofMinutes(3));
    }
}
