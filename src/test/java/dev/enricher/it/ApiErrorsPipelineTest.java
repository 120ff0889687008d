package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.client.RetryPolicy;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.simulator.SimulatorStats;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.OutputReader.Output;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Errors sorted by who can fix them, on a running pipeline. 30% of calls fail transiently (429 with Retry-After,
 * 5xx, no answer, reset): every good event is enriched in the end, some after several attempts, as model_calls
 * records. Records the API refuses for good go to the dead-letter topic with the HTTP status and a reason:
 * a text over the model's context (420 {@code context_length_exceeded}) and a message over the API's content
 * length (400 {@code string_too_long}).
 */
class ApiErrorsPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void transientFaultsEndEnrichedAndRecordErrorsAreDeadLettered() {
        FaultSettings faults = FaultSettings.none().withRateLimitRate(0.1).withRetryAfterSeconds(1)
                .withServerErrorRate(0.1).withTimeoutRate(0.05).withResetRate(0.05);
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(5)
                .faults(faults));
        PipelineFixture.Topics t = fx.topics("api-errors", 2);
        OutputReader reader = fx.reader(t);
        RetryPolicy retries = new RetryPolicy(20, Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(300),
                Duration.ofMinutes(2));
        // on-long-input: dead-letter, so that texts over the limits are record errors the API refuses.
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB, TaskType.FOLLOWUP_QUESTIONS))
                .engine(PipelineFixture.engine().withRetry(retries))
                .longInputs(Map.of("iab", new LongInput(LongInput.Mode.DEAD_LETTER, 400),
                        "followups", new LongInput(LongInput.Mode.DEAD_LETTER, 400))).build(),
                fx.client().requestTimeout(Duration.ofSeconds(1)).build());

        String overContext = "word ".repeat(2_000);                 // > 400 tokens: 420 context_length_exceeded
        String overContent = ("abcdefghi ").repeat(14_000);         // > 131,072 characters: 400 string_too_long
        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        for (int n = 0; n < 1_000; n++) {
            String key = "k-" + (n % 25);
            drafts.add(fx.event(key, n % 100 == 10 ? overContext : n % 100 == 60 ? overContent : PipelineFixture.text(n)));
        }
        List<Sent> sent = fx.send(t.input(), drafts);
        reader.awaitAll(sent, Duration.ofMinutes(3));

        reader.assertExactlyOnce(sent, t.input());
        reader.assertKeyOrderWithinEachTopic();
        int retried = 0;
        for (Sent s : sent) {
            Output o = reader.only(s);
            if (s.text().equals(overContext) || s.text().equals(overContent)) {
                int status = s.text().equals(overContext) ? 420 : 400;
                String code = status == 420 ? "context_length_exceeded" : "string_too_long";
                assertThat(o.kind()).as("%s", o).isEqualTo(Kind.DEAD_LETTER);
                DeadLetter d = o.deadLetter();
                assertThat(d.getCategory()).isEqualTo(DeadLetterCategory.API_RECORD_ERROR);
                assertThat(d.getHttpStatus()).isEqualTo(status);
                assertThat(d.getErrorCode()).isEqualTo(code);
                assertThat(d.getReason()).isNotBlank();
                if (status == 420) {
                    assertThat(d.getReason()).as("names the settings that leave headroom")
                            .contains("on-long-input: chunk or truncate", "max-input-tokens below the model's limit");
                }
                assertThat(d.getTask()).isIn("iab", "followups");
                assertThat(d.getModel()).isNotBlank();
                assertThat(d.getRequestId()).startsWith("req_");
                assertThat(d.getAttempts()).isGreaterThanOrEqualTo(1);
                assertThat(d.getValue()).isEqualTo(ByteBuffer.wrap(s.value()));
                assertThat(o.header(PipelineFixture.HEADER_CATEGORY)).isEqualTo("API_RECORD_ERROR");
                assertThat(o.header(PipelineFixture.HEADER_EXCEPTION)).isNotBlank();
                assertThat(o.headers()).containsSubsequence(s.headers());
            } else {
                assertThat(o.kind()).as("%s", o).isEqualTo(Kind.ENRICHED);
                assertThat(EnrichedRecords.modelCalls(o.enriched())).hasSize(2);
                if (EnrichedRecords.modelCalls(o.enriched()).stream().mapToInt(c -> (Integer) c.get("attempts"))
                        .max().orElse(0) > 1) {
                    retried++;
                }
            }
        }
        assertThat(reader.deadLetterCount()).isEqualTo(20);
        // About half of the events meet a fault on one of their two calls.
        assertThat(retried).as("events enriched after more than one attempt").isGreaterThan(200);
        SimulatorStats stats = fx.simulator().stats();
        assertThat(stats.count(429)).isPositive();
        assertThat(stats.count(500) + stats.count(502) + stats.count(503) + stats.count(504)).isPositive();
        assertThat(stats.resets()).isPositive();
        assertThat(stats.timeouts()).isPositive();
    }
}
