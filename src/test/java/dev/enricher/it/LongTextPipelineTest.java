package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichedRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Long texts on the in-process broker with the simulator, which refuses (420 context length) any input over its
 * model's limit as the API does: a 50,000-character article with emoji early and personal data in its last paragraph
 * goes through every built-in task without a dead letter; span tasks and classifiers are chunked (one accounted call
 * per piece), the follow-up generator (400 tokens) truncated, and the PII spans point at the right code points of the whole text.
 */
class LongTextPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    static final String EMAIL = "maria.keller@example.org";
    static final String PHONE = "(415) 555-0142";

    /** About {@code length} characters of news prose, emoji and a non-BMP letter early, personal data at the end. */
    static String article(int length) {
        StringBuilder b = new StringBuilder("City council 🚀 approves the harbour plan 😀 after a long night. ");
        b.append("The 𝐀-line tram will run every ten minutes.\n\n");
        String[] sentences = {"The council discussed the new tram line and the budget for the harbour district.",
            "Residents asked whether the bridge would stay open during the works.",
            "The mayor said the first section should open next spring, weather permitting.",
            "Local shops expect more visitors once the stations are finished.",
            "Critics pointed to the cost overruns of the last project in the north."};
        for (int p = 0; b.length() < length - 200; p++) {
            for (int s = 0; s < 6; s++) {
                b.append(sentences[(p + s) % sentences.length]).append(' ');
            }
            b.append("(Section ").append(p).append(".)\n\n");
        }
        b.append("For questions contact Maria Keller at ").append(EMAIL).append(" or call ").append(PHONE).append('.');
        return b.toString();
    }

    @Test
    void aFiftyThousandCharacterArticleGoesThroughEveryBuiltInTaskWithSpansOnTheWholeText() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(1)).seed(5));
        PipelineFixture.Topics t = fx.topics("long-text", 1);
        OutputReader reader = fx.reader(t);
        List<EnrichmentTask> tasks = new ArrayList<>();
        for (TaskType type : TaskType.values()) {
            if (type == TaskType.PROMPT) {
                continue;
            }
            Map<String, Object> options = switch (type) {
                case GLINER_NER, ZERO_SHOT -> Map.of("labels", List.of("person", "place"));
                case GLINER_JSON -> Map.of("schema", Map.of("project", List.of("name::str")));
                case GLINER_CLASSIFICATION -> Map.of("schema", Map.of("tone", List.of("positive", "negative")));
                default -> Map.of();
            };
            tasks.add(TaskFactory.create(new TaskSpec(null, type, null, options)));
        }
        dev.enricher.topology.EnrichmentPipeline pipeline = fx.start(fx.settings(t, "state", tasks).build());

        String text = article(50_000);
        assertThat(text.length()).isBetween(49_000, 51_000);
        List<Sent> sent = fx.send(t.input(), List.of(fx.event("long", text), fx.event("short", PipelineFixture.text(1))));
        reader.awaitAll(sent, Duration.ofMinutes(3));
        assertThat(reader.deadLetterCount()).as("no dead letter").isZero();

        GenericRecord e = reader.only(sent.get(0)).enriched();
        for (EnrichmentTask task : tasks) {
            assertThat(EnrichedRecords.result(e, task.name())).as("result of %s", task.name()).isNotNull();
        }
        assertThat(EnrichedRecords.failedTasks(e)).isEmpty();

        @SuppressWarnings("unchecked")
        Map<String, GenericRecord> longInputs = ((List<GenericRecord>) e.get("long_inputs")).stream()
                .collect(Collectors.toMap(r -> r.get("task").toString(), r -> r));
        int codePoints = text.codePointCount(0, text.length());
        for (String chunked : List.of("iab", "iab_enriched", "pii", "entities", "extract", "classify", "labels")) {
            GenericRecord l = longInputs.get(chunked);
            assertThat(l).as("long input of %s", chunked).isNotNull();
            assertThat(l.get("handling").toString()).isEqualTo("chunked");
            assertThat((int) l.get("input_length")).isEqualTo(codePoints);
            int pieces = (int) l.get("pieces");
            assertThat(pieces).isGreaterThan(10);
            List<Object> calls = EnrichedRecords.modelCalls(e).stream()
                    .filter(c -> c.get("task").toString().equals(chunked)).map(c -> c.get("piece")).toList();
            assertThat(calls).as("one accounted call per piece of %s", chunked).hasSize(pieces);
            assertThat(calls).containsExactlyElementsOf(java.util.stream.IntStream.range(0, pieces).boxed()
                    .map(Object.class::cast).toList());
        }
        for (String truncated : List.of("followups")) {
            GenericRecord l = longInputs.get(truncated);
            assertThat(l.get("handling").toString()).as(truncated).isEqualTo("truncated");
            assertThat((int) l.get("kept_length")).isLessThan(codePoints).isPositive();
        }
        assertThat(longInputs).as("llama takes 131,072 tokens: the summary reads it whole").doesNotContainKey("summary");
        assertThat(longInputs).as("the thinking model takes 32,768 tokens, the article counts about 18,000")
                .doesNotContainKey("thinking");
        assertThat(pipeline.stats().chunkedInputs()).isEqualTo(7);
        assertThat(pipeline.stats().truncatedInputs()).isEqualTo(1);

        PiiResult pii = EnrichedRecords.result(e, "pii", PiiResult.class);
        for (PiiEntity entity : pii.getEntities()) {
            String at = text.substring(text.offsetByCodePoints(0, entity.getStart()),
                    text.offsetByCodePoints(0, entity.getEnd()));
            assertThat(at).as("span %s..%s", entity.getStart(), entity.getEnd()).isEqualTo(entity.getText());
        }
        assertThat(pii.getEntities()).extracting(x -> x.getText().toString()).contains(EMAIL, PHONE);
        PiiEntity email = pii.getEntities().stream().filter(x -> x.getText().toString().equals(EMAIL)).findFirst()
                .orElseThrow();
        assertThat(email.getStart()).as("code points, not UTF-16 units: three characters outside the BMP before it")
                .isEqualTo(text.codePointCount(0, text.indexOf(EMAIL)));
        assertThat(pii.getEntities().stream().filter(x -> x.getText().toString().equals(EMAIL)).count())
                .as("found once, though the pieces overlap").isEqualTo(1);

        double total = 0;
        for (GenericRecord call : EnrichedRecords.modelCalls(e)) {
            long in = ((Number) call.get("prompt_tokens")).longValue();
            long out = call.get("completion_tokens") == null ? 0 : ((Number) call.get("completion_tokens")).longValue();
            assertThat((Double) call.get("cost_usd")).as("a call's cost: its usage at $0.02 / $0.05 per million")
                    .isCloseTo(in * 0.02 / 1e6 + out * 0.05 / 1e6, org.assertj.core.api.Assertions.within(1e-12));
            total += (Double) call.get("cost_usd");
        }
        assertThat((Double) e.get("cost_usd")).as("every piece paid, and accounted").isPositive()
                .isCloseTo(total, org.assertj.core.api.Assertions.within(1e-9));

        GenericRecord shortOne = reader.only(sent.get(1)).enriched();
        assertThat((List<?>) shortOne.get("long_inputs")).isEmpty();
        assertThat(EnrichedRecords.modelCalls(shortOne)).allSatisfy(c -> assertThat(c.get("piece")).isNull());
    }
}
