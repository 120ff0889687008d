package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskFingerprintTest {
    private static EnrichmentTask task(String name, TaskType type, String model, Map<String, Object> options) {
        return TaskFactory.create(new TaskSpec(name, type, model, options));
    }

    @Test
    void theSameConfigurationGivesTheSameFingerprintWhateverTheNameOrTheOrderOfAMap() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("product", List.of("name::str", "price::str"));
        one.put("person", List.of("name::str"));
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("person", List.of("name::str"));
        other.put("product", List.of("name::str", "price::str"));
        assertThat(task("a", TaskType.GLINER_JSON, null, Map.of("schema", one)).fingerprint())
                .isEqualTo(task("b", TaskType.GLINER_JSON, null, Map.of("schema", other)).fingerprint());
        assertThat(TaskFactory.create(TaskSpec.of(TaskType.IAB)).fingerprint())
                .isEqualTo(task("my_iab", TaskType.IAB, null, null).fingerprint())
                .as("a defaulted model is the same model").isEqualTo(
                        task("iab", TaskType.IAB, TaskSpec.of(TaskType.IAB).effectiveModel(), null).fingerprint());
    }

    @Test
    void whatShapesTheRequestOrTheParsingChangesIt() {
        String base = task("s", TaskType.TEXT_GENERATION, null, Map.of("system_prompt", "Summarize.")).fingerprint();
        assertThat(task("s", TaskType.TEXT_GENERATION, null, Map.of("system_prompt", "Summarise.")).fingerprint())
                .as("prompt").isNotEqualTo(base);
        assertThat(task("s", TaskType.TEXT_GENERATION, null, Map.of("system_prompt", "Summarize.",
                "max_tokens", 64)).fingerprint()).as("option").isNotEqualTo(base);
        assertThat(task("s", TaskType.TEXT_GENERATION, "LFM2.5-1.2B-Instruct", Map.of("system_prompt", "Summarize."))
                .fingerprint()).as("model").isNotEqualTo(base);
        assertThat(task("s", TaskType.IAB, null, null).fingerprint()).as("type")
                .isNotEqualTo(task("s", TaskType.IAB_ENRICHED, null, null).fingerprint());
        assertThat(task("p", TaskType.PII, null, Map.of("threshold", 0.5)).fingerprint()).as("a parsing threshold")
                .isNotEqualTo(task("p", TaskType.PII, null, Map.of("threshold", 0.7)).fingerprint());
    }
}
