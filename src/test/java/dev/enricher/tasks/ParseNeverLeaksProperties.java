package dev.enricher.tasks;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ZeroGpuException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever a model answers, a task either returns a result or throws the one unparseable-content error. */
class ParseNeverLeaksProperties {
    private static final List<EnrichmentTask> TASKS = Arrays.stream(TaskType.values())
            .map(t -> TaskFactory.create(new TaskSpec(null, t, null, TaskFactoryTest.required(t))))
            .toList();

    @Property(tries = 300)
    void anyStringGivesAResultOrUnparseableContent(@ForAll("contents") String content) {
        check(content);
    }

    @Property(tries = 300)
    void anyJsonLikeStringGivesAResultOrUnparseableContent(@ForAll("jsonish") String content) {
        check(content);
    }

    private static void check(String content) {
        ChatCompletion completion = Completions.of(content);
        for (EnrichmentTask task : TASKS) {
            try {
                assertThat(task.parse(completion)).as(task.name()).isNotNull();
            } catch (ZeroGpuException e) {
                assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE_CONTENT);
                assertThat(e.rawContent()).isEqualTo(content);
            }
        }
    }

    @Provide
    Arbitrary<String> contents() {
        return Arbitraries.strings().all().ofMaxLength(200);
    }

    /** Strings built from JSON tokens and the documented field names, to reach past the first parse. */
    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> token = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "null", "true", "0", "-1", "0.5",
                "1e999", "\"\"", "\" \"", "\"x\"", "\"audience\"", "\"content\"", "\"iab_1_0\"", "\"iab_2_2\"",
                "\"name\"", "\"score\"", "\"code\"", "\"tier\"", "\"entities\"", "\"text\"", "\"label\"",
                "\"start\"", "\"end\"", "\"entities_by_label\"", "\"redacted_text\"", "\"data\"",
                "\"classification\"", "\"topics\"", "\"keywords\"", "\"user_intent\"", "<think>", "</think>",
                "Answer:", "\n", " ", "- ", "1. ");
        return token.list().ofMaxSize(40).map(parts -> String.join("", parts));
    }
}
