package dev.enricher.it;

import dev.enricher.avro.PiiResult;
import org.apache.avro.generic.GenericRecord;
import dev.enricher.topology.EnrichedRecords;
import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.PiiEntity;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PII span offsets end to end on the in-process broker: the simulator answers in Unicode code points as the API's
 * Python models do, the pipeline checks them against the event's text and publishes them as given, and a consumer
 * slices the published text with them (in Java through {@link String#offsetByCodePoints}, as the schema's doc says),
 * whatever characters outside the Basic Multilingual Plane come before or between the spans.
 */
class SpanOffsetsPipelineTest {
    private static final String EMOJI = "\uD83D\uDE42";
    /** U+20000, a CJK extension B ideograph, and U+1D400, mathematical bold capital A. */
    private static final String CJK_B = "\uD840\uDC00";
    private static final String MATH_A = "\uD835\uDC00";

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    /** Plain texts, texts with supplementary characters before and between the spans, and spans at the very end. */
    static String text(int n) {
        String base = PipelineFixture.text(n); // every third one holds an e-mail address
        return switch (n % 4) {
            case 0 -> base;
            case 1 -> EMOJI + EMOJI + " " + base;
            case 2 -> CJK_B + " Sarah Jones " + MATH_A + " " + base + " " + EMOJI;
            default -> EMOJI + " " + base + " Mail " + EMOJI + " james" + n + "@example.com";
        };
    }

    /** Python's {@code text[start:end]} in Java. */
    private static String slice(String text, int start, int end) {
        return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
    }

    @Test
    void publishedSpansSliceThePublishedTextByCodePoints() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(1));
        PipelineFixture.Topics t = fx.topics("span-offsets", 2);
        OutputReader reader = fx.reader(t);
        fx.start(fx.settings(t, "state", List.of(TaskFactory.create(TaskSpec.of(TaskType.PII)))).build());

        List<Sent> sent = fx.sendEvents(t.input(), 200, n -> "user-" + (n % 7), SpanOffsetsPipelineTest::text);
        reader.awaitAll(sent, Duration.ofSeconds(90));

        reader.assertExactlyOnce(sent, t.input());
        int shifted = 0;
        int plain = 0;
        int atTheEnd = 0;
        for (Sent s : sent) {
            OutputReader.Output o = reader.only(s);
            assertThat(o.kind()).as("%s", o).isEqualTo(Kind.ENRICHED);
            GenericRecord e = o.enriched();
            String published = EnrichedRecords.string(e, "text");
            assertThat(published).as("no redactor: the text as sent").isEqualTo(s.text());
            assertThat(e.get("text_redacted")).isEqualTo(false);
            List<PiiEntity> entities = EnrichedRecords.result(e, "pii", PiiResult.class).getEntities();
            for (PiiEntity entity : entities) {
                assertThat(slice(published, entity.getStart(), entity.getEnd())).as("span of %s", s)
                        .isEqualTo(entity.getText());
                int utf16 = published.offsetByCodePoints(0, entity.getStart());
                if (utf16 != entity.getStart()) {
                    shifted++;
                } else if (published.codePointCount(0, published.length()) == published.length()) {
                    plain++;
                    assertThat(published.substring(entity.getStart(), entity.getEnd())).isEqualTo(entity.getText());
                }
                if (entity.getEnd() == published.codePointCount(0, published.length())) {
                    atTheEnd++;
                }
            }
        }
        assertThat(shifted).as("spans after supplementary characters").isGreaterThan(50);
        assertThat(plain).as("spans in plain BMP texts, unchanged").isGreaterThan(10);
        assertThat(atTheEnd).as("spans ending the text").isGreaterThanOrEqualTo(50);
    }
}
