package dev.enricher.it;

import dev.enricher.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Scenario 1 on the in-process KRaft broker: 10,000 events through three tasks, all enriched. */
@ExtendWith(ApiKeyNeverLogged.class)
class ThreeTasksPipelineTest {
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
        fx = PipelineFixture.embedded(dir, SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(1));
        ThreeTasksScenario.run(fx, 10_000, Duration.ofMinutes(3));
    }
}
