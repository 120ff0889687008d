package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors only an operator can fix: a key the API refuses (403) and no quota left (429 or 420
 * {@code insufficient_quota}). The instance pauses (circuit open), dead-letters nothing, and resumes by itself once
 * the API accepts it again; every event is enriched in the end.
 */
class OperatorErrorsPipelineTest {
    private static final Duration PAUSED_FOR = Duration.ofSeconds(3);

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void aRefusedKeyPausesTheInstanceUntilTheKeyIsAcceptedAgain() {
        run(() -> fx.restartSimulator(b -> b.acceptedApiKey("zgpu-api-someone-else")),
                () -> fx.restartSimulator(b -> b.acceptedApiKey(PipelineFixture.API_KEY)), 403);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 420})
    void insufficientQuotaPausesTheInstanceUntilQuotaIsBack(int status) {
        run(() -> fx.simulator().faults(FaultSettings.none().withQuotaExhausted(true).withQuotaStatus(status)),
                () -> fx.simulator().faults(FaultSettings.none()), status);
    }

    private void run(Runnable breakIt, Runnable mendIt, int status) {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(8));
        PipelineFixture.Topics t = fx.topics("operator-" + status, 2);
        OutputReader reader = fx.reader(t);
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB)).build());
        List<Sent> sent = new ArrayList<>(fx.sendEvents(t.input(), 200, n -> "k-" + (n % 10), PipelineFixture::text));
        reader.awaitAll(sent, Duration.ofSeconds(60));

        breakIt.run();
        sent.addAll(fx.sendEvents(t.input(), 200, n -> "k-" + (n % 10), PipelineFixture::text));
        await("circuit open on " + status).atMost(Duration.ofSeconds(20)).until(p::circuitOpen);
        await("paused, nothing dead-lettered").pollInterval(Duration.ofMillis(100))
                .during(PAUSED_FOR).atMost(PAUSED_FOR.plusSeconds(5))
                .until(() -> p.circuitOpen() && reader.deadLetterCount() == 0 && reader.enrichedCount() == 200);
        assertThat(fx.simulator().stats().count(status)).as("answers %d", status).isPositive();

        mendIt.run();
        reader.awaitAll(sent, Duration.ofSeconds(60));
        await("circuit closed").atMost(Duration.ofSeconds(10)).until(() -> !p.circuitOpen() && p.isRunning());
        reader.assertExactlyOnce(sent, t.input());
        assertThat(reader.deadLetterCount()).isZero();
        assertThat(p.stats().circuitOpens()).isGreaterThanOrEqualTo(1);
    }
}
