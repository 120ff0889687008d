package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rebalance: a second instance of the same application (own state directory) joins mid-stream and takes
 * partitions with calls in flight, then leaves mid-stream and hands them back. Under exactly-once nothing is lost
 * and nothing is duplicated.
 */
class RebalancePipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void anInstanceJoiningAndLeavingMidStreamLosesAndDuplicatesNothing() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(150)).seed(4));
        PipelineFixture.Topics t = fx.topics("rebalance", 4);
        OutputReader reader = fx.reader(t);
        PipelineSettings.Builder settings = fx.settings(t, "state-a", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withMaxInFlight(64))
                // A new instance with no state takes active tasks at once rather than after warm-up.
                .streamsProperty("acceptable.recovery.lag", 1_000_000);
        EnrichmentPipeline a = fx.start(settings.build());
        await().atMost(Duration.ofSeconds(30)).until(() -> activeTasks(a) > 0);
        int allTasks = activeTasks(a);

        List<Sent> sent = new ArrayList<>(fx.sendEvents(t.input(), 3_000, n -> "k-" + (n % 101),
                PipelineFixture::text));
        reader.awaitCount(300, Duration.ofSeconds(60));

        EnrichmentPipeline b = fx.start(settings.stateDir(fx.dir().resolve("state-b")).build());
        await("the second instance owns partitions").atMost(Duration.ofSeconds(60))
                .until(() -> activeTasks(b) > 0 && activeTasks(a) > 0);
        int joinedAt = reader.count();
        sent.addAll(fx.sendEvents(t.input(), 1_000, n -> "k-" + (n % 101), PipelineFixture::text));
        await("both instances enrich").atMost(Duration.ofSeconds(60))
                .until(() -> b.stats().enriched() > 100 && b.stats().inFlight() > 0);
        assertThat(reader.covered(sent)).as("still mid-stream when B leaves").isLessThan(sent.size());

        b.close();
        await("the first instance owns every partition again").atMost(Duration.ofSeconds(60))
                .until(() -> activeTasks(a) == allTasks);
        sent.addAll(fx.sendEvents(t.input(), 500, n -> "k-" + (n % 101), PipelineFixture::text));
        reader.awaitAll(sent, Duration.ofMinutes(2));

        reader.assertExactlyOnce(sent, t.input());
        reader.assertKeyOrderWithinEachTopic();
        assertThat(reader.deadLetterCount()).isZero();
        assertThat(joinedAt).isLessThan(sent.size());
    }

    private static int activeTasks(EnrichmentPipeline p) {
        KafkaStreams s = p.streams();
        if (s.state() != KafkaStreams.State.RUNNING) {
            return -1;
        }
        return s.metadataForLocalThreads().stream().mapToInt(m -> m.activeTasks().size()).sum();
    }
}
