package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.testing.RandomInputs;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: whatever a model answers, a task either returns a result or throws the one
 * unparseable-content error, never a Jackson, NPE, ClassCast or IndexOutOfBounds exception, whether parsed alone or
 * against the request's text (span offsets checked there). Seeded, so a failure names
 * the seed that reproduces it.
 */
class ParseNeverLeaksTest {
    private static final List<EnrichmentTask> TASKS = Arrays.stream(TaskType.values())
            .map(t -> TaskFactory.create(new TaskSpec(null, t, null, TaskFactoryTest.required(t))))
            .toList();

    private static final String[] TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true", "0", "-1", "0.5",
        "1e999", "\"\"", "\" \"", "\"x\"", "\"audience\"", "\"content\"", "\"iab_1_0\"", "\"iab_2_2\"",
        "\"name\"", "\"score\"", "\"code\"", "\"tier\"", "\"entities\"", "\"text\"", "\"label\"",
        "\"start\"", "\"end\"", "\"entities_by_label\"", "\"redacted_text\"", "\"data\"",
        "\"classification\"", "\"topics\"", "\"keywords\"", "\"user_intent\"", "<think>", "</think>",
        "Answer:", "\n", " ", "- ", "1. "};

    static Stream<Long> seeds() {
        return RandomInputs.seeds(300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyStringGivesAResultOrUnparseableContent(long seed) {
        check(RandomInputs.string(new Random(seed)));
    }

    /** Strings built from JSON tokens and the documented field names, to reach past the first parse. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyJsonLikeStringGivesAResultOrUnparseableContent(long seed) {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(41);
        for (int i = 0; i < n; i++) {
            s.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        check(s.toString());
    }

    /** The request's text, as the engine parses against it: short, with an emoji and a lone surrogate at the end. */
    private static final String TEXT = "x\uD83D\uDE42 \uD83D";

    private static void check(String content) {
        ChatCompletion completion = Completions.of(content);
        for (EnrichmentTask task : TASKS) {
            for (String text : new String[] {null, TEXT}) {
                try {
                    assertThat(text == null ? task.parse(completion) : task.parse(completion, text)).as(task.name())
                            .isNotNull();
                } catch (ZeroGpuException e) {
                    assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE_CONTENT);
                    assertThat(e.rawContent()).isEqualTo(content);
                }
            }
        }
    }
}
