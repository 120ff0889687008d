package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.EnrichmentPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Task conditions on the in-process broker with the simulator: a task whose {@code when:} is false for an event makes
 * no call for it, its field is null and the envelope lists it as skipped with why; the other tasks run as usual.
 */
class ConditionsPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void aTaskRunsOnlyOnTheEventsItsConditionSelects() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(3));
        PipelineFixture.Topics t = fx.topics("conditions", 2);
        OutputReader reader = fx.reader(t);
        String when = "headers['trace-id'].endsWith('0') || headers['trace-id'].endsWith('5')";
        EnrichmentPipeline pipeline = fx.start(fx.settings(t, "state", List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB)),
                        TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS))))
                .conditions(Map.of("followups", TaskCondition.compile("followups", when))).build());

        List<Sent> sent = fx.sendEvents(t.input(), 60, n -> "k" + (n % 5), PipelineFixture::text);
        reader.awaitAll(sent, Duration.ofMinutes(2));
        reader.assertExactlyOnce(sent, t.input());

        int asked = 0;
        for (Sent s : sent) {
            GenericRecord e = reader.only(s).enriched();
            boolean selected = s.id().endsWith("0") || s.id().endsWith("5");
            List<String> called = EnrichedRecords.modelCalls(e).stream().map(c -> c.get("task").toString()).toList();
            List<GenericRecord> skipped = skipped(e);
            assertThat(EnrichedRecords.result(e, "iab")).as("iab of %s", s.id()).isNotNull();
            if (selected) {
                asked++;
                assertThat(EnrichedRecords.result(e, "followups", FollowupQuestionsResult.class).getQuestions())
                        .as("questions of %s", s.id()).isNotEmpty();
                assertThat(called).containsExactly("iab", "followups");
                assertThat(skipped).isEmpty();
            } else {
                assertThat(EnrichedRecords.result(e, "followups")).as("followups of %s", s.id()).isNull();
                assertThat(called).as("no call, no cost").containsExactly("iab");
                assertThat(skipped).singleElement().satisfies(k -> {
                    assertThat(k.get("task").toString()).isEqualTo("followups");
                    assertThat(k.get("reason").toString()).contains(when);
                });
            }
        }
        assertThat(asked).isEqualTo(12);
        assertThat(pipeline.stats().skippedTasks()).isEqualTo(48);
    }

    @Test
    void aTaskGraphRunsOnTheBrokerWithConditionsOverResultsAndInputsFromResults() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(4));
        PipelineFixture.Topics t = fx.topics("graph", 2);
        OutputReader reader = fx.reader(t);
        List<dev.enricher.tasks.EnrichmentTask> tasks = List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB)),
                TaskFactory.create(TaskSpec.of(TaskType.TEXT_GENERATION)),
                TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS)));
        String when = "results.iab.iab_2_2.exists(c, c.score > 0.9)";
        EnrichmentPipeline pipeline = fx.start(fx.settings(t, "state", tasks)
                .conditions(Map.of("summary", TaskCondition.compile("summary", when,
                        List.of("iab", "summary", "followups"))))
                .inputs(Map.of("followups", "summary.text")).build());

        List<Sent> sent = fx.sendEvents(t.input(), 60, n -> "k" + (n % 5), PipelineFixture::text);
        reader.awaitAll(sent, Duration.ofMinutes(2));
        reader.assertExactlyOnce(sent, t.input());
        int summarized = 0;
        for (Sent s : sent) {
            GenericRecord e = reader.only(s).enriched();
            dev.enricher.avro.IabResult iab = EnrichedRecords.result(e, "iab", dev.enricher.avro.IabResult.class);
            boolean strong = iab.getIab22().stream().anyMatch(c -> c.getScore() > 0.9);
            List<String> called = EnrichedRecords.modelCalls(e).stream().map(c -> c.get("task").toString()).toList();
            if (strong) {
                summarized++;
                assertThat(called).as("calls of %s", s.id()).containsExactly("iab", "summary", "followups");
                assertThat(EnrichedRecords.result(e, "followups")).isNotNull();
            } else {
                assertThat(called).as("calls of %s", s.id()).containsExactly("iab");
                assertThat(skipped(e)).extracting(k -> k.get("task").toString() + ": " + k.get("reason"))
                        .containsExactly("summary: its condition is false for this event (when: " + when + ")",
                                "followups: task 'summary', which it depends on, was skipped: its condition is false"
                                        + " for this event (when: " + when + ")");
            }
        }
        assertThat(summarized).as("both branches taken").isBetween(1, 59);
        assertThat(pipeline.stats().skippedTasks()).isEqualTo(2L * (60 - summarized));
    }

    @SuppressWarnings("unchecked")
    private static List<GenericRecord> skipped(GenericRecord e) {
        return (List<GenericRecord>) e.get("skipped_tasks");
    }
}
