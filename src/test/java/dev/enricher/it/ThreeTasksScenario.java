package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.EnrichedEvent;
import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.avro.IabResult;
import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.OutputReader.Output;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 1 of the integration suite, run on any broker: events through three tasks (IAB classification,
 * follow-up questions, PII redaction) all come out enriched, with typed results, their key, timestamp and headers.
 * The simulator answers in 5 ms.
 */
final class ThreeTasksScenario {
    private ThreeTasksScenario() {
    }

    static void run(PipelineFixture fx, int events, Duration atMost) {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(1));
        PipelineFixture.Topics t = fx.topics("three-tasks", 3);
        OutputReader reader = fx.reader(t);
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB, TaskType.FOLLOWUP_QUESTIONS,
                TaskType.PII)).build());

        List<Sent> sent = fx.sendEvents(t.input(), events, n -> "user-" + (n % 500), PipelineFixture::text);
        reader.awaitAll(sent, atMost);

        reader.assertExactlyOnce(sent, t.input());
        assertThat(reader.deadLetterCount()).as("dead letters").isZero();
        int withEmail = 0;
        for (Sent s : sent) {
            Output o = reader.only(s);
            assertThat(o.kind()).isEqualTo(Kind.ENRICHED);
            assertThat(o.timestamp()).as("timestamp of %s", o).isEqualTo(s.timestamp());
            assertThat(o.headers()).as("headers of %s", o).containsSubsequence(s.headers());
            EnrichedEvent e = o.enriched();
            assertThat(e.getId()).isEqualTo(s.id());
            assertThat(e.getSourceTimestamp().toEpochMilli()).isEqualTo(s.timestamp());

            IabResult iab = e.getIab().get("iab");
            assertThat(iab).as("iab of %s", s).isNotNull();
            assertThat(iab.getIab10()).as("IAB 1.0 labels of %s", s).isNotEmpty()
                    .allSatisfy(l -> assertThat(l.getName()).isNotBlank());
            FollowupQuestionsResult followups = e.getFollowupQuestions().get("followups");
            assertThat(followups.getQuestions()).as("questions of %s", s).isNotEmpty()
                    .allSatisfy(q -> assertThat(q).isNotBlank());
            PiiResult pii = e.getPii().get("pii");
            assertThat(pii).as("pii of %s", s).isNotNull();
            if (s.text().contains("@example.com")) {
                withEmail++;
                assertThat(pii.getEntities()).as("PII of %s", s).extracting(PiiEntity::getLabel).contains("email");
                for (PiiEntity entity : pii.getEntities()) {
                    assertThat(s.text().substring(entity.getStart(), entity.getEnd())).isEqualTo(entity.getText());
                }
                assertThat(pii.getRedactedText()).contains("[EMAIL]").doesNotContain("@example.com");
            }
            assertThat(e.getModelCalls()).as("model calls of %s", s).hasSize(3)
                    .allSatisfy(c -> assertThat(c.getAttempts()).isPositive());
        }
        assertThat(withEmail).isGreaterThan(events / 4);
    }
}
