package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.RetryPolicy;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichmentPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outage: the API answers 503 to everything for 15 s, longer than {@code max.poll.interval.ms} (10 s here). The
 * circuit opens and processing pauses, the instance keeps its group membership (same member ids, Kafka Streams
 * RUNNING throughout), nothing is dead-lettered, and once the API is back everything is enriched.
 */
class ApiOutagePipelineTest {
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void anOutageLongerThanMaxPollIntervalPausesWithoutEvictionOrDeadLetters() throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(6));
        PipelineFixture.Topics t = fx.topics("outage", 2);
        OutputReader reader = fx.reader(t);
        // Retries long enough to outlast the time the circuit needs to open; 5 failures in 1 s count as an outage.
        RetryPolicy patient = new RetryPolicy(1_000, Duration.ofMillis(20), Duration.ofMillis(500),
                Duration.ofMillis(500), Duration.ofMinutes(10));
        String applicationId = "it-" + t.input();
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withRetry(patient).withOutage(5, Duration.ofSeconds(1)))
                .streamsProperty("max.poll.interval.ms", 10_000)
                .build());

        List<Sent> sent = new ArrayList<>(fx.sendEvents(t.input(), 300, n -> "k-" + (n % 20), PipelineFixture::text));
        reader.awaitAll(sent, Duration.ofSeconds(60));
        Set<String> members = members(applicationId);
        assertThat(members).isNotEmpty();

        fx.simulator().faults(FaultSettings.none().withOutage(true));
        sent.addAll(fx.sendEvents(t.input(), 300, n -> "k-" + (n % 20), PipelineFixture::text));
        await("circuit open").atMost(Duration.ofSeconds(20)).until(p::circuitOpen);
        long opened = System.nanoTime();
        await("paused through the outage, in the group, nothing dead-lettered")
                .pollInterval(Duration.ofMillis(100))
                .during(OUTAGE).atMost(OUTAGE.plusSeconds(5))
                .until(() -> p.circuitOpen() && p.streams().state() == KafkaStreams.State.RUNNING
                        && reader.deadLetterCount() == 0 && reader.enrichedCount() == 300);
        assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThan(Duration.ofSeconds(10));
        assertThat(members(applicationId)).as("group members after the outage").isEqualTo(members);
        assertThat(p.stats().circuitOpens()).isGreaterThanOrEqualTo(1);

        fx.simulator().faults(FaultSettings.none());
        reader.awaitAll(sent, Duration.ofSeconds(60));
        await("circuit closed").atMost(Duration.ofSeconds(10)).until(() -> !p.circuitOpen() && p.isRunning());
        reader.assertExactlyOnce(sent, t.input());
        assertThat(reader.deadLetterCount()).isZero();
        assertThat(members(applicationId)).as("group members after recovery").isEqualTo(members);
        assertThat(fx.simulator().stats().count(503)).isPositive();
    }

    private Set<String> members(String groupId) throws Exception {
        return fx.admin().describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(10, TimeUnit.SECONDS).members().stream().map(MemberDescription::consumerId)
                .collect(Collectors.toSet());
    }
}
