package dev.enricher.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskFactoryTest {

    private static EnrichmentTask create(TaskType type, Map<String, Object> options) {
        return TaskFactory.create(new TaskSpec(null, type, null, options));
    }

    /** Minimal valid options per type, so every type can be built. */
    static Map<String, Object> required(TaskType type) {
        return switch (type) {
            case GLINER_NER, ZERO_SHOT -> Map.of("labels", List.of("person", "place"));
            case GLINER_JSON -> Map.of("schema", Map.of("product", List.of("name::str")));
            case GLINER_CLASSIFICATION -> Map.of("schema", Map.of("sentiment", List.of("positive", "negative")));
            case PROMPT -> Map.of("template", "Summarise: {{text}}");
            default -> Map.of();
        };
    }

    @ParameterizedTest
    @EnumSource(TaskType.class)
    void everyTypeBuildsWithItsDefaultsAndHonoursNameAndModel(TaskType type) {
        EnrichmentTask task = create(type, required(type));
        assertThat(task.name()).isEqualTo(type.defaultName());
        assertThat(task.model()).isEqualTo(type.defaultModel());
        assertThat(task.request("some text").model()).isEqualTo(type.defaultModel());

        EnrichmentTask renamed = TaskFactory.create(new TaskSpec("custom", type, "other-model", required(type)));
        assertThat(renamed.name()).isEqualTo("custom");
        assertThat(renamed.model()).isEqualTo("other-model");
    }

    @Test
    void defaultNamesAndModels() {
        assertThat(TaskType.values()).extracting(TaskType::defaultName).containsExactly("iab", "iab_enriched",
                "followups", "pii", "entities", "extract", "classify", "labels", "summary", "thinking", "prompt");
        assertThat(TaskType.IAB_ENRICHED.defaultModel()).isEqualTo("zlm-v2-iab-classify-edge-enriched");
    }

    @Test
    void buildsConfiguredTasks() {
        assertThat(create(TaskType.PII, Map.of("usecase", "redact", "mask", "label", "threshold", 0.7,
                "categories", List.of("identity", "contact"))))
                .isEqualTo(new PiiTask(null, null, PiiUsecase.REDACT, "label", 0.7, List.of("identity", "contact")));
        assertThat(create(TaskType.PII, Map.of("threshold", "0.25"))).extracting(t -> ((PiiTask) t).threshold())
                .isEqualTo(0.25);
        assertThat(create(TaskType.TEXT_GENERATION, Map.of("system_prompt", "Be brief.", "max_tokens", 128,
                "temperature", 0)))
                .isEqualTo(new TextGenerationTask(null, null, "Be brief.", 128, 0.0));
        assertThat(create(TaskType.ZERO_SHOT, Map.of("labels", List.of("a", "b"))))
                .isEqualTo(new ZeroShotTask(List.of("a", "b")));
        assertThat(create(TaskType.GLINER_NER, Map.of("labels", List.of("person"), "threshold", 0.3)))
                .isEqualTo(new GlinerNerTask(null, null, List.of("person"), 0.3));
    }

    @Test
    void nullOptionValuesMeanDefault() {
        Map<String, Object> options = new java.util.HashMap<>();
        options.put("mask", null);
        assertThat(create(TaskType.PII, options)).isEqualTo(new PiiTask());
    }

    @Test
    void unknownOptionNamesTaskKeyAndValidKeys() {
        assertThatThrownBy(() -> TaskFactory.create(new TaskSpec("pii", TaskType.PII, null, Map.of("treshold", 0.5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task 'pii': unknown option 'treshold'; valid options: usecase, mask, threshold, categories");
        assertThatThrownBy(() -> create(TaskType.IAB, Map.of("labels", List.of("a"))))
                .hasMessage("task 'iab': unknown option 'labels'; valid options: none");
    }

    @Test
    void wrongValuesNameKeyWhatIsValidAndWhatWasGiven() {
        assertThatThrownBy(() -> create(TaskType.PII, Map.of("threshold", "high")))
                .hasMessage("task 'pii': option 'threshold' must be a number between 0 and 1, was 'high'");
        assertThatThrownBy(() -> create(TaskType.PII, Map.of("threshold", 1.5)))
                .hasMessage("task 'pii': option 'threshold' must be a number between 0 and 1, was 1.5");
        assertThatThrownBy(() -> create(TaskType.PII, Map.of("usecase", "anonymize")))
                .hasMessage("task 'pii': option 'usecase' must be one of extract-pii, redact, was 'anonymize'");
        assertThatThrownBy(() -> create(TaskType.PII, Map.of("categories", "identity")))
                .hasMessage("task 'pii': option 'categories' must be a non-empty list of PII categories"
                        + " (non-blank strings), was 'identity'");
        assertThatThrownBy(() -> create(TaskType.PII, Map.of("mask", 3)))
                .hasMessage("task 'pii': option 'mask' must be a non-blank string, was 3");
        assertThatThrownBy(() -> create(TaskType.TEXT_GENERATION, Map.of("max_tokens", 2.5)))
                .hasMessage("task 'summary': option 'max_tokens' must be a whole number greater than 0, was 2.5");
        assertThatThrownBy(() -> create(TaskType.GLINER_CLASSIFICATION, Map.of("schema", List.of("positive"))))
                .hasMessage("task 'classify': option 'schema' must be a non-empty map from axis name to a non-empty"
                        + " list of labels, was [positive]");
    }

    @Test
    void missingRequiredOptions() {
        assertThatThrownBy(() -> create(TaskType.ZERO_SHOT, Map.of()))
                .hasMessage("task 'labels': option 'labels' is required: a list of labels");
        assertThatThrownBy(() -> create(TaskType.GLINER_JSON, Map.of()))
                .hasMessageStartingWith("task 'extract': option 'schema' is required");
    }

    @Test
    void taskValidationIsPrefixedWithTheTaskName() {
        List<String> eleven = IntStream.rangeClosed(1, 11).mapToObj(i -> "l" + i).toList();
        assertThatThrownBy(() -> TaskFactory.create(new TaskSpec("topic", TaskType.ZERO_SHOT, null,
                Map.of("labels", eleven))))
                .hasMessage("task 'topic': labels must hold at most 10 labels (the model's limit), had 11");
        assertThatThrownBy(() -> TaskFactory.create(new TaskSpec("my-task", TaskType.IAB, null, null)))
                .hasMessageStartingWith("task 'my-task': task name must match");
        assertThatThrownBy(() -> TaskFactory.create(new TaskSpec(null, TaskType.IAB, " ", null)))
                .hasMessage("task 'iab': model of task type IAB must not be blank");
    }

    @Test
    void typeParsingIsLenientAboutCaseAndDashes() {
        assertThat(TaskType.parse("gliner-ner")).isEqualTo(TaskType.GLINER_NER);
        assertThat(TaskType.parse("Zero_Shot")).isEqualTo(TaskType.ZERO_SHOT);
        assertThatThrownBy(() -> TaskType.parse("ner")).hasMessageStartingWith("unknown task type 'ner'; valid types:")
                .hasMessageContaining("gliner_ner");
    }
}
