package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichmentPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broker restart mid-stream: the broker stops while calls are in flight and starts again on the same data directory
 * and port once those calls have finished (their results wait in the engine). Nothing is lost, and under exactly-once
 * nothing is duplicated.
 */
class BrokerRestartPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void aBrokerRestartMidStreamLosesNothing() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(100)).seed(12));
        PipelineFixture.Topics t = fx.topics("broker-restart", 2);
        OutputReader reader = fx.reader(t);
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withMaxInFlight(128)).build());
        List<Sent> sent = new ArrayList<>(fx.sendEvents(t.input(), 2_000, n -> "k-" + (n % 50), PipelineFixture::text));
        reader.awaitCount(300, Duration.ofSeconds(60));
        assertThat(p.stats().inFlight()).as("calls in flight when the broker stops").isPositive();

        fx.stopKafka();
        await("calls in flight at the stop finished").atMost(Duration.ofSeconds(30)).until(() -> p.stats().inFlight() == 0);
        fx.startKafkaAgain();

        sent.addAll(fx.sendEvents(t.input(), 1_000, n -> "k-" + (n % 50), PipelineFixture::text));
        reader.awaitAll(sent, Duration.ofMinutes(3));
        reader.assertExactlyOnce(sent, t.input());
        reader.assertKeyOrderWithinEachTopic();
        assertThat(reader.deadLetterCount()).isZero();
        assertThat(p.isRunning()).isTrue();
    }
}
