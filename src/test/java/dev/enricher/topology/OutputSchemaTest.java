package dev.enricher.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** The enriched record's schema derived from a configuration's tasks. */
class OutputSchemaTest {
    private static EnrichmentTask task(String name, TaskType type, Map<String, Object> options) {
        return TaskFactory.create(new TaskSpec(name, type, null, options));
    }

    private static EnrichmentTask prompt(String name) {
        return prompt(name, "label");
    }

    private static EnrichmentTask prompt(String name, String property) {
        return task(name, TaskType.PROMPT, Map.of("template", "{{text}}", "output", Map.of("json-schema", Map.of(
                "type", "object", "required", List.of(property),
                "properties", Map.of(property, Map.of("type", "string"))))));
    }

    @Test
    void theEnvelopeIsFixedAndResultsHaveOneOptionalFieldPerTaskInTaskOrderNamedByTheTask() {
        Schema s = OutputSchema.of(List.of(task("summary", TaskType.TEXT_GENERATION, Map.of()),
                task("iab", TaskType.IAB, Map.of()), prompt("sentiment")));
        assertThat(s.getFields()).extracting(Schema.Field::name).containsExactly("id", "source_topic",
                "source_partition", "source_offset", "source_timestamp", "text", "text_redacted", "attributes",
                "results", "model_calls", "failed_tasks", "skipped_tasks", "long_inputs", "cost_usd", "enriched_at");
        Schema results = s.getField("results").schema();
        assertThat(results.getFields()).extracting(Schema.Field::name).containsExactly("summary", "iab", "sentiment");
        for (Schema.Field f : results.getFields()) {
            assertThat(f.schema().getTypes().get(0).getType()).as(f.name()).isEqualTo(Schema.Type.NULL);
            assertThat(f.defaultVal()).as(f.name()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
            assertThat(f.doc()).as(f.name()).startsWith("Task '" + f.name() + "'");
        }
        assertThat(results.getField("summary").schema().getTypes().get(1).getFullName())
                .isEqualTo("dev.enricher.avro.TextResult");
        assertThat(results.getField("sentiment").schema().getTypes().get(1).getFullName())
                .isEqualTo("dev.enricher.results.SentimentResult");
        assertThat(OutputSchema.of(List.of())).as("no task, an empty results record").isNotNull();
    }

    @Test
    void everyStringReadsAsAJavaStringWithoutTouchingSharedSchemas() {
        Schema s = OutputSchema.of(List.of(prompt("sentiment")));
        Schema label = s.getField("results").schema().getField("sentiment").schema().getTypes().get(1)
                .getField("label").schema();
        assertThat(label.getProp(GenericData.STRING_PROP)).isEqualTo("String");
        assertThat(s.getField("attributes").schema().getProp(GenericData.STRING_PROP)).isEqualTo("String");
        assertThat(Schema.create(Schema.Type.STRING).getProp(GenericData.STRING_PROP)).isNull();
        assertThat(OutputSchema.envelope().getField("text").schema().getProp(GenericData.STRING_PROP)).isNull();
    }

    @Test
    void addingAndRemovingTasksIsCompatibleBothWaysAndATypeChangedUnderItsNameIsNot() {
        Schema before = OutputSchema.of(List.of(task("summary", TaskType.TEXT_GENERATION, Map.of()),
                task("iab", TaskType.IAB, Map.of())));
        Schema after = OutputSchema.of(List.of(task("summary", TaskType.TEXT_GENERATION, Map.of()),
                prompt("sentiment")));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(after, before).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(before, after).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        Schema changed = OutputSchema.of(List.of(task("summary", TaskType.THINKING, Map.of()),
                task("iab", TaskType.IAB, Map.of())));
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, before).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(OutputSchema.of(List.of(task("summary", TaskType.TEXT_GENERATION, Map.of("max_tokens", 9)),
                task("iab", TaskType.IAB, Map.of())))).as("an option that keeps the type changes nothing")
                .isEqualTo(before);
    }

    @Test
    void twoTasksWhoseRecordsWouldShareANameAreRefusedNamingBoth() {
        assertThat(OutputSchema.of(List.of(prompt("my_task"), prompt("MyTask"))).getField("results").schema()
                .getFields()).as("the same record twice is one Avro type used by two fields").hasSize(2);
        assertThatThrownBy(() -> OutputSchema.of(List.of(prompt("my_task"), prompt("MyTask", "mood"))))
                .hasMessageContaining("'my_task'").hasMessageContaining("'MyTask'")
                .hasMessageContaining("dev.enricher.results.MyTaskResult");
        assertThatThrownBy(() -> OutputSchema.of(List.of(task("a", TaskType.IAB, Map.of()),
                task("a", TaskType.PII, Map.of())))).hasMessageContaining("task name 'a' is used twice");
    }
}
