package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.Disposition;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.ops.ServiceMetrics;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code enricher_oldest_pending_age_seconds} as Prometheus scrapes it, with the engine's processor in the real
 * topology, a fake API the test answers, and time moved by hand: the age grows while an event is stuck (its call
 * failed, was retried, and the retry never answers), is not reset by younger events that come and go, and falls to
 * the next oldest event's age once the stuck one leaves.
 */
class OldestPendingAgeMetricTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String AGE = "enricher_oldest_pending_age_seconds{task=\"0_0\"}";
    private static final String PENDING = "enricher_pending_events{task=\"0_0\"}";
    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final String ANSWER = "{\"audience\":[],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}";

    @TempDir
    Path tmp;

    private final FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(START);
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServiceMetrics metrics = new ServiceMetrics(prometheus, ModelCatalog.defaults());
    private EnrichmentEngine engine;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;

    @BeforeEach
    void start() {
        EngineConfig config = new EngineConfig(16, 100, Ordering.KEY, TaskFailurePolicy.DEAD_LETTER,
                new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(60),
                        Duration.ofMinutes(5)),
                Duration.ofMillis(20), Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(15), clock);
        engine = new EnrichmentEngine(config, List.of(IAB),
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null),
                new EnrichmentProcessorTest.RecordingSink(), client);
        driver = EngineDrivers.driver(EngineDrivers.settings("age-test", config, List.of(IAB)).build(), engine, tmp,
                clock.instant());
        input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer(), clock.instant(),
                Duration.ZERO);
        metrics.bindPending(engine.stats(), config.clock());
    }

    @AfterEach
    void stop() {
        driver.close();
        engine.close();
        client.close();
        metrics.close();
        prometheus.close();
    }

    /** Moves the engine's clock and the driver's wall clock together (the processor's punctuator runs). */
    private void tick(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private void settle() {
        client.settle();
        tick(Duration.ofMillis(20));
    }

    private static String event(int n) {
        return "{\"id\":\"e" + n + "\",\"text\":\"Football match report [ev" + n + "]\"}";
    }

    /** The sample's value in a scrape; fails when the series is not there. */
    private double scraped(String series) {
        for (String line : prometheus.scrape().lines().toList()) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError(series + " is not in the scrape");
    }

    private double secondsSince(Instant admitted) {
        return (clock.millis() - admitted.toEpochMilli()) / 1000.0;
    }

    @Test
    void theAgeGrowsWhileAnEventIsStuckAndFallsWhenItLeaves() {
        input.pipeInput("a", event(0));
        Instant stuckAdmitted = clock.instant();
        tick(Duration.ofMillis(20));
        // The metrics thread registers the stream task's series within a second; values are read at each scrape.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scraped(AGE)).isEqualTo(0.02));
        assertThat(scraped(PENDING)).isEqualTo(1.0);

        // The API fails it (503): a retry follows after the backoff, and that one never answers.
        client.unanswered(IAB.model(), "[ev0]").fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        settle();
        tick(Duration.ofSeconds(1));
        assertThat(client.unanswered()).as("the retry is on the wire").hasSize(1);
        assertThat(engine.stats().retries()).isEqualTo(1);
        assertThat(scraped(AGE)).isEqualTo(secondsSince(stuckAdmitted));

        tick(Duration.ofSeconds(30));
        assertThat(scraped(AGE)).as("grows with the time the event waits").isEqualTo(secondsSince(stuckAdmitted))
                .isGreaterThan(31.0);

        // A younger event of another key comes and goes: the oldest is still the stuck one.
        input.pipeInput("b", event(1));
        client.unanswered(IAB.model(), "[ev1]").succeed(ANSWER);
        settle();
        assertThat(engine.stats().enriched()).isEqualTo(1);
        tick(Duration.ofSeconds(60));
        assertThat(scraped(AGE)).isEqualTo(secondsSince(stuckAdmitted)).isGreaterThan(91.0);

        Instant youngerAdmitted = clock.instant();
        input.pipeInput("c", event(2));
        tick(Duration.ofSeconds(10));
        assertThat(scraped(PENDING)).isEqualTo(2.0);
        assertThat(scraped(AGE)).isEqualTo(secondsSince(stuckAdmitted));

        // The stuck event is answered at last and leaves: the age falls to that of the oldest left.
        client.unanswered(IAB.model(), "[ev0]").succeed(ANSWER);
        settle();
        assertThat(engine.stats().enriched()).isEqualTo(2);
        assertThat(scraped(AGE)).as("the next oldest's age").isEqualTo(secondsSince(youngerAdmitted))
                .isLessThan(11.0);
        assertThat(scraped(PENDING)).isEqualTo(1.0);

        client.unanswered(IAB.model(), "[ev2]").succeed(ANSWER);
        settle();
        assertThat(scraped(AGE)).as("nothing pending").isZero();
        assertThat(scraped(PENDING)).isZero();
    }
}
