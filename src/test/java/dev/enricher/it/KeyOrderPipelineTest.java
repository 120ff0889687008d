package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.engine.Ordering;
import dev.enricher.it.OutputReader.Kind;
import dev.enricher.it.OutputReader.Output;
import dev.enricher.simulator.LatencyDistribution;
import dev.enricher.simulator.LatencyProfile;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key order: interleaved keys, log-normal service times (so later events often finish first), and bad records mixed
 * in that fail at once (undecodable JSON, and texts the model refuses with 420 without any latency). In {@code key}
 * mode every key's outputs, dead letters included, leave in input order.
 *
 * <p>Order across the two output topics is observed through the broker's clock: both output topics use
 * {@code LogAppendTime}, so a record's timestamp is when the pipeline's producer got it to the broker, and for one
 * key those times must not go backwards in input order.
 */
@ExtendWith(ApiKeyNeverLogged.class)
class KeyOrderPipelineTest {
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
    void everyKeysOutputsLeaveInInputOrderDeadLettersIncluded() {
        LatencyProfile latency = new LatencyProfile(Map.of(), LatencyDistribution.of(15, 250), null);
        fx = PipelineFixture.embedded(dir, SimulatorConfig.builder().latency(latency).seed(3));
        PipelineFixture.Topics t = fx.topics("key-order", 2, Map.of(),
                Map.of("message.timestamp.type", "LogAppendTime"));
        OutputReader reader = fx.reader(t);
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withOrdering(Ordering.KEY)).build());

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
            long last = Long.MIN_VALUE;
            Output previous = null;
            for (Output o : e.getValue()) {
                assertThat(o.timestamp()).as("key %s: %s left before %s", e.getKey(), o, previous)
                        .isGreaterThanOrEqualTo(last);
                last = o.timestamp();
                previous = o;
            }
        }
    }
}
