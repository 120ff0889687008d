package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatWire;
import dev.enricher.client.Choice;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.tasks.TextResult;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.PipelineSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling change of the task list on the real broker, while hundreds of events are pending across two instances:
 * a task added, one removed, one changed under the same name, the order shuffled. Each instance in turn stops and
 * comes back with the new list over its own state, restoring entries the old list wrote.
 */
class RollingTaskChangePipelineTest {
    private static final String OLD_PROMPT = "Summarize the text.";
    private static final String NEW_PROMPT = "Answer with one word.";

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    private static EnrichmentTask task(String name, TaskType type, Map<String, Object> options) {
        return TaskFactory.create(new TaskSpec(name, type, null, options));
    }

    @Test
    void aRollingChangeOfTheTaskListEndsEveryInputOnceWithEachResultFromTheTaskThatAskedForIt() throws IOException {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(1_500)).seed(13));
        PipelineFixture.Topics t = fx.topics("rolling", 4);
        OutputReader reader = fx.reader(t);
        EnrichmentTask iab = task("iab", TaskType.IAB, Map.of());
        EnrichmentTask pii = task("pii", TaskType.PII, Map.of());
        EnrichmentTask oldSummary = task("summary", TaskType.TEXT_GENERATION, Map.of("system_prompt", OLD_PROMPT));
        EnrichmentTask newSummary = task("summary", TaskType.TEXT_GENERATION, Map.of("system_prompt", NEW_PROMPT));
        EnrichmentTask topic = task("topic", TaskType.ZERO_SHOT, Map.of("labels", List.of("sports", "politics")));
        List<EnrichmentTask> before = List.of(iab, pii, oldSummary);
        List<EnrichmentTask> after = List.of(newSummary, topic, iab);

        EnrichmentPipeline a = fx.start(settings(t, "state-a", before));
        EnrichmentPipeline b = fx.start(settings(t, "state-b", before));
        await("both instances own partitions").atMost(Duration.ofSeconds(60))
                .until(() -> activeTasks(a) > 0 && activeTasks(b) > 0);

        List<Sent> sent = new ArrayList<>(fx.sendEvents(t.input(), 800, n -> "k-" + (n % 53), PipelineFixture::text));
        reader.awaitCount(50, Duration.ofSeconds(60));
        await("events pending on A").atMost(Duration.ofSeconds(30)).until(() -> a.stats().pending() > 50);
        a.close();
        EnrichmentPipeline a2 = fx.start(settings(t, "state-a", after));
        await("A is back with the new list").atMost(Duration.ofSeconds(60)).until(() -> activeTasks(a2) > 0);
        sent.addAll(fx.sendEvents(t.input(), 300, n -> "k-" + (n % 53), PipelineFixture::text));

        await("events pending on B").atMost(Duration.ofSeconds(30)).until(() -> b.stats().pending() > 50);
        b.close();
        EnrichmentPipeline b2 = fx.start(settings(t, "state-b", after));
        await("B is back with the new list").atMost(Duration.ofSeconds(60))
                .until(() -> activeTasks(b2) > 0 && activeTasks(a2) > 0);
        sent.addAll(fx.sendEvents(t.input(), 300, n -> "k-" + (n % 53), PipelineFixture::text));
        reader.awaitAll(sent, Duration.ofMinutes(3));

        reader.assertExactlyOnce(sent, t.input());
        reader.assertKeyOrderWithinEachTopic();
        assertThat(reader.deadLetterCount()).as("no stored answer met the wrong parser").isZero();
        ChatWire wire = new ChatWire();
        int withNewList = 0;
        int withOldList = 0;
        for (Sent s : sent) {
            GenericRecord e = reader.only(s).enriched();
            Set<String> names = new TreeSet<>(EnrichedRecords.answered(e));
            String summary = EnrichedRecords.result(e, "summary", dev.enricher.avro.TextResult.class).getText();
            if (names.equals(Set.of("iab", "topic", "summary"))) {
                withNewList++;
                assertThat(summary).as("summary of %s asked with the new prompt", s.id())
                        .isEqualTo(expectedText(newSummary, s.text(), wire));
            } else {
                assertThat(names).as("results of %s: the old list or the new, never a mix", s.id())
                        .isEqualTo(Set.of("iab", "pii", "summary"));
                withOldList++;
                assertThat(summary).isEqualTo(expectedText(oldSummary, s.text(), wire));
            }
        }
        assertThat(withOldList).as("events finished before the change").isPositive();
        assertThat(withNewList).as("events finished after it, among them ones pending across it")
                .isGreaterThan(600);
    }

    private PipelineSettings settings(PipelineFixture.Topics t, String state, List<EnrichmentTask> tasks) {
        PipelineSettings.Builder s = fx.settings(t, state, tasks)
                .engine(PipelineFixture.engine().withMaxInFlight(64))
                .streamsProperty("acceptable.recovery.lag", 1_000_000);
        return s.build();
    }

    private String expectedText(EnrichmentTask task, String text, ChatWire wire) throws IOException {
        String content = fx.simulator().answerContent(wire.requestBody(task.request(text)));
        return ((TextResult) task.parse(new ChatCompletion("expected", 0, task.model(),
                List.of(new Choice(0, "assistant", content, "stop")), null, null, 1, null), text)).text();
    }

    private static int activeTasks(EnrichmentPipeline p) {
        KafkaStreams s = p.streams();
        if (s.state() != KafkaStreams.State.RUNNING) {
            return -1;
        }
        return s.metadataForLocalThreads().stream().mapToInt(m -> m.activeTasks().size()).sum();
    }
}
