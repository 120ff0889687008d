package dev.enricher.it;

import org.apache.avro.generic.GenericRecord;
import dev.enricher.topology.EnrichedRecords;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Locale;

/**
 * Scenario 1 of the integration suite, run on any broker: events through three tasks (IAB classification,
 * follow-up questions, PII redaction) all come out enriched, with typed results, their key, timestamp and headers;
 * half the texts start with emoji, and their PII spans (code points) and redaction still fit exactly.
 * The simulator answers in 5 ms.
 */
final class ThreeTasksScenario {
    private static final String EMOJI = "\uD83D\uDE42";

    private ThreeTasksScenario() {
    }

    static void run(PipelineFixture fx, int events, Duration atMost) {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(1));
        PipelineFixture.Topics t = fx.topics("three-tasks", 3);
        OutputReader reader = fx.reader(t);
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB, TaskType.FOLLOWUP_QUESTIONS,
                TaskType.PII)).build());

        List<Sent> sent = fx.sendEvents(t.input(), events, n -> "user-" + (n % 500), ThreeTasksScenario::text);
        reader.awaitAll(sent, atMost);

        reader.assertExactlyOnce(sent, t.input());
        assertThat(reader.deadLetterCount()).as("dead letters").isZero();
        int withEmail = 0;
        int withEmojiAndEmail = 0;
        for (Sent s : sent) {
            Output o = reader.only(s);
            assertThat(o.kind()).isEqualTo(Kind.ENRICHED);
            assertThat(o.timestamp()).as("timestamp of %s", o).isEqualTo(s.timestamp());
            assertThat(o.headers()).as("headers of %s", o).containsSubsequence(s.headers());
            GenericRecord e = o.enriched();
            assertThat(e.get("id")).isEqualTo(s.id());
            assertThat(EnrichedRecords.millis(e, "source_timestamp")).isEqualTo(s.timestamp());

            IabResult iab = EnrichedRecords.result(e, "iab", IabResult.class);
            assertThat(iab).as("iab of %s", s).isNotNull();
            assertThat(iab.getIab10()).as("IAB 1.0 labels of %s", s).isNotEmpty()
                    .allSatisfy(l -> assertThat(l.getName()).isNotBlank());
            FollowupQuestionsResult followups = EnrichedRecords.result(e, "followups", FollowupQuestionsResult.class);
            assertThat(followups.getQuestions()).as("questions of %s", s).isNotEmpty()
                    .allSatisfy(q -> assertThat(q).isNotBlank());
            PiiResult pii = EnrichedRecords.result(e, "pii", PiiResult.class);
            assertThat(pii).as("pii of %s", s).isNotNull();
            if (s.text().contains("@example.com")) {
                withEmail++;
                if (s.text().startsWith(EMOJI)) {
                    withEmojiAndEmail++;
                }
                assertThat(pii.getEntities()).as("PII of %s", s).extracting(PiiEntity::getLabel).contains("email");
                // Offsets count code points of the input (the original text); the published text is the redaction.
                StringBuilder redacted = new StringBuilder();
                int at = 0;
                for (PiiEntity entity : pii.getEntities()) {
                    assertThat(slice(s.text(), entity.getStart(), entity.getEnd())).isEqualTo(entity.getText());
                    redacted.append(slice(s.text(), at, entity.getStart())).append('[')
                            .append(entity.getLabel().toUpperCase(Locale.ROOT).replace(' ', '_')).append(']');
                    at = entity.getEnd();
                }
                redacted.append(slice(s.text(), at, s.text().codePointCount(0, s.text().length())));
                assertThat(pii.getRedactedText()).contains("[EMAIL]").doesNotContain("@example.com");
                assertThat(EnrichedRecords.string(e, "text")).as("exactly the PII redacted in %s", s).isEqualTo(redacted.toString())
                        .isEqualTo(pii.getRedactedText());
            }
            assertThat(EnrichedRecords.modelCalls(e)).as("model calls of %s", s).hasSize(3)
                    .allSatisfy(c -> assertThat((Integer) c.get("attempts")).isPositive());
        }
        assertThat(withEmail).isGreaterThan(events / 4);
        assertThat(withEmojiAndEmail).isGreaterThan(events / 8);
    }

    /** The fixture's texts, every other one after two emoji (outside the BMP: one code point, two UTF-16 units each). */
    static String text(int n) {
        return n % 2 == 1 ? EMOJI + EMOJI + " " + PipelineFixture.text(n) : PipelineFixture.text(n);
    }

    /** Python's {@code text[start:end]} in Java: offsets in code points. */
    private static String slice(String text, int start, int end) {
        return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
    }
}
