package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.client.Admission;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spent budget pauses the instance as an outage does (nothing sent, nothing dead-lettered, nothing lost) and the
 * next window resumes it by itself; the wall clock and the circuit's scheduler are moved by hand, nothing sleeps.
 */
class BudgetPauseTest {
    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final String ANSWER = "{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.9}],"
            + "\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}";
    /** Prices that make each fake answer (10 tokens in, 5 out) cost exactly $1.50. */
    private static final ModelCatalog PRICES = ModelCatalog.defaults().with(new ModelSpec(IAB.model(), 4096,
            100_000, 100_000));

    @TempDir
    Path tmp;

    private final FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:40:00Z"));
    private final ManualTime time = new ManualTime();
    private final DispatcherTest.RecordingControl control = new DispatcherTest.RecordingControl();
    private EnrichmentEngine engine;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, String> enriched;
    private TestOutputTopic<String, String> deadLetters;

    private void start(BudgetSettings budget) {
        EngineConfig config = EngineConfig.defaults().withMaxInFlight(16).withClock(clock);
        engine = new EnrichmentEngine(config, List.of(IAB),
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null),
                new EnrichmentProcessorTest.RecordingSink(), client, Admission.Limits.fixed(16), time, time);
        engine.budget(budget, PRICES);
        engine.instanceControl(control);
        driver = EngineDrivers.driver(EngineDrivers.settings("budget", config, List.of(IAB)).build(), engine, tmp,
                clock.instant());
        input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer(), clock.instant(),
                Duration.ZERO);
        enriched = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic("dlq", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        if (engine != null) {
            engine.close();
        }
        client.close();
    }

    private void send(int n) {
        input.pipeInput("k" + n, "{\"id\":\"e" + n + "\",\"text\":\"Football match report [ev" + n + "]\"}");
    }

    private void answer(int n) {
        client.unanswered(IAB.model(), "[ev" + n + "]").succeed(ANSWER);
        client.settle();
    }

    /** Moves the wall clock, the circuit's scheduler and the driver's punctuators together. */
    private void tick(Duration d) {
        clock.advance(d);
        time.advance(d);
        driver.advanceWallClockTime(d);
    }

    @Test
    void aSpentHourlyBudgetPausesUntilTheNextHourAndLosesNothing() {
        start(new BudgetSettings(3.0, 0));
        for (int n = 0; n < 4; n++) {
            send(n);
        }
        assertThat(client.requestCount()).isEqualTo(4);

        answer(0);
        answer(1); // $3.00: the hour's budget is spent
        assertThat(engine.circuitState()).isEqualTo(CircuitState.OPEN);
        assertThat(engine.circuitCause()).isEqualTo(CircuitCause.BUDGET);
        assertThat(engine.circuitReason()).startsWith("BUDGET").contains("$3.00").contains("11:00 UTC");
        assertThat(engine.budgetUsed()).isGreaterThanOrEqualTo(1.0);
        answer(2); // calls already on the wire still land
        answer(3);
        tick(Duration.ofMillis(50));
        assertThat(control.calls).containsExactly("pause");
        assertThat(enriched.readValuesToList()).hasSize(4);

        send(4);
        send(5);
        tick(Duration.ofMinutes(10));
        assertThat(client.requestCount()).as("nothing is sent while the budget is spent").isEqualTo(4);
        assertThat(deadLetters.isEmpty()).isTrue();

        tick(Duration.ofMinutes(10)); // 11:00:50: a new hour
        assertThat(engine.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(control.calls).containsExactly("pause", "resume");
        assertThat(client.requestCount()).as("the held calls go out at once").isEqualTo(6);
        answer(4);
        answer(5);
        tick(Duration.ofMillis(50));
        assertThat(enriched.readValuesToList()).hasSize(2);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(engine.spentThisHourUsd()).isEqualTo(3.0);
    }

    @Test
    void withoutABudgetSpendingNeverPauses() {
        start(BudgetSettings.NONE);
        for (int n = 0; n < 6; n++) {
            send(n);
            answer(n);
        }
        tick(Duration.ofMillis(50));
        assertThat(engine.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(enriched.readValuesToList()).hasSize(6);
        assertThat(engine.budgetUsed()).isZero();
    }
}
