package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.engine.Ordering;
import dev.enricher.simulator.LatencyDistribution;
import dev.enricher.simulator.LatencyProfile;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.MillisClock;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.OutputReader.Output;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Key order: interleaved keys, log-normal service times (so later events often finish first), and bad records mixed
 * in that fail at once (undecodable JSON, and texts the model refuses with 420 without any latency). In {@code key}
 * mode every key's outputs, dead letters included, leave in input order.
 *
 * <p>Within each output topic the order is the log's. Across the two topics it is observed through the engine's
 * clock, which the test injects: a clock whose every reading is later than the one before, so the time an event
 * left ({@code enriched_at} or {@code dead_lettered_at}, read when its output is forwarded) orders the outputs of
 * one instance exactly. For one key those times must increase in input order.
 */
class KeyOrderPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void everyKeysOutputsLeaveInInputOrderDeadLettersIncluded() {
        LatencyProfile latency = new LatencyProfile(Map.of(), LatencyDistribution.of(15, 250), null);
        fx.startSimulator(SimulatorConfig.builder().latency(latency).seed(3));
        PipelineFixture.Topics t = fx.topics("key-order", 2);
        OutputReader reader = fx.reader(t);
        // on-long-input: dead-letter, so that a text over the model's limit is a record error the API refuses.
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withOrdering(Ordering.KEY).withClock(new StrictlyIncreasingClock()))
                .longInputs(Map.of("iab", new LongInput(LongInput.Mode.DEAD_LETTER, 400)))
                .build());

        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        String tooLong = "word ".repeat(2_000); // over the IAB model's 400-token limit: 420 context_length_exceeded
        for (int n = 0; n < 2_000; n++) {
            String key = "key-" + (n % 16);
            if (n % 40 == 7) {
                drafts.add(PipelineFixture.raw(key, "{\"id\":\"broken".getBytes(StandardCharsets.UTF_8)));
            } else if (n % 40 == 23) {
                drafts.add(fx.event(key, tooLong));
            } else {
                drafts.add(fx.event(key, PipelineFixture.text(n)));
            }
        }
        List<Sent> sent = fx.send(t.input(), drafts);
        List<Sent> bad = sent.stream().filter(s -> s.text() == null || s.text().startsWith("word ")).toList();
        reader.awaitAll(sent, Duration.ofMinutes(2));

        reader.assertExactlyOnce(sent, t.input());
        for (Sent s : bad) {
            Output o = reader.only(s);
            assertThat(o.kind()).as("%s", o).isEqualTo(Kind.DEAD_LETTER);
            assertThat(o.deadLetter().getCategory()).isIn(DeadLetterCategory.DESERIALIZATION,
                    DeadLetterCategory.API_RECORD_ERROR);
        }
        assertThat(reader.deadLetterCount()).isEqualTo(bad.size());
        assertThat(reader.all().stream().filter(o -> o.kind() == Kind.DEAD_LETTER
                && o.deadLetter().getCategory() == DeadLetterCategory.API_RECORD_ERROR)).hasSize(50);

        reader.assertKeyOrderWithinEachTopic();
        for (Map.Entry<String, List<Output>> e : reader.byKeyInInputOrder().entrySet()) {
            Output previous = null;
            for (Output o : e.getValue()) {
                if (previous != null) {
                    assertThat(leftAt(o)).as("key %s: %s left before %s", e.getKey(), o, previous)
                            .isAfter(leftAt(previous));
                }
                previous = o;
            }
        }
    }

    private static Instant leftAt(Output o) {
        return o.kind() == Kind.ENRICHED ? java.time.Instant.ofEpochMilli(dev.enricher.topology.EnrichedRecords.millis(
                o.enriched(), "enriched_at")) : o.deadLetter().getDeadLetteredAt();
    }

    /** Wall-clock milliseconds, but every reading later than the previous one (by 1 ms when the clock has not moved). */
    static final class StrictlyIncreasingClock extends MillisClock {
        private final AtomicLong last = new AtomicLong();

        @Override
        public long millis() {
            return last.accumulateAndGet(System.currentTimeMillis(), (prev, now) -> Math.max(prev + 1, now));
        }
    }
}
