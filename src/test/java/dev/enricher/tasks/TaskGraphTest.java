package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskGraphTest {
    private static final EnrichmentTask PII = TaskFactory.create(new TaskSpec("pii", TaskType.PII, null,
            Map.of("usecase", "redact")));
    private static final EnrichmentTask SUMMARY = TaskFactory.create(new TaskSpec("summary", TaskType.TEXT_GENERATION,
            null, null));
    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final EnrichmentTask FOLLOWUPS = TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS));
    private static final List<EnrichmentTask> TASKS = List.of(FOLLOWUPS, SUMMARY, IAB, PII);

    private static Map<String, TaskCondition> when(String task, String expression) {
        return Map.of(task, TaskCondition.compile(task, expression, TASKS.stream().map(EnrichmentTask::name).toList()));
    }

    @Test
    void dependentTasksComeAfterWhatTheyReadAndIndependentOnesKeepTheirOrder() {
        TaskGraph g = TaskGraph.of(TASKS, Map.of("followups", "summary.text", "summary", "pii.redacted_text"),
                when("iab", "results.pii.entities.size() == 0"));
        assertThat(g.order()).containsExactly(3, 1, 0, 2); // pii, summary, followups, iab
        assertThat(g.input(0)).isEqualTo(new TaskGraph.Input(1, "text", "summary.text"));
        assertThat(g.input(3)).isNull();
        assertThat(g.dependencies(2)).containsExactly(3);
        assertThat(g.independent(3)).isTrue();
        assertThat(g.dependsOn(1, 3)).isTrue();
    }

    @Test
    void theInputTextIsTheFieldOfTheResultItReads() {
        TaskGraph g = TaskGraph.of(TASKS, Map.of("summary", "pii.redacted_text"), Map.of());
        PiiResult r = new PiiResult(List.of(), Map.of(), "Call [PERSON]");
        assertThat(g.inputText(1, r)).isEqualTo("Call [PERSON]");
        assertThat(g.inputText(1, new PiiResult(List.of(), Map.of(), null))).isNull();
    }

    @Test
    void everyBadReferenceIsNamedWithItsTaskAndTheFieldsThatWouldDo() {
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("summary", "sumary.text"), Map.of()))
                .hasMessageContaining("task 'summary': input 'sumary.text' names task 'sumary', which is not configured");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("followups", "summary.txt"), Map.of()))
                .hasMessageContaining("the result of task 'summary' has no field 'txt'")
                .hasMessageContaining("its text fields: [text");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("followups", "pii.entities"), Map.of()))
                .hasMessageContaining("field 'entities' of task 'pii''s result is not text")
                .hasMessageContaining("[redacted_text]");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("followups", "iab.audience"), Map.of()))
                .hasMessageContaining("its result has no text field to read");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("summary", "summary.text"), Map.of()))
                .hasMessageContaining("reads the task's own result");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("summary", "redacted_text"), Map.of()))
                .hasMessageContaining("as <task>.<field>");
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("nosuch", "summary.text"), Map.of()))
                .hasMessageContaining("an input is given for task 'nosuch'");
    }

    @Test
    void aCycleThroughInputsAndConditionsIsRefusedNamingItsTasks() {
        assertThatThrownBy(() -> TaskGraph.of(TASKS, Map.of("followups", "summary.text"),
                when("summary", "size(results.followups.questions) > 0")))
                .hasMessageContaining("'summary'").hasMessageContaining("'followups'")
                .hasMessageContaining("depend on each other in a cycle");
    }

    @Test
    void aConditionReadingAnotherTaskDependsOnItAndCannotNameAnUnknownTask() {
        assertThat(TaskCondition.compile("iab", "results.pii.entities.size() > 0 && text_length > 3",
                List.of("iab", "pii", "summary")).dependencies()).containsExactly("pii");
        assertThatThrownBy(() -> TaskCondition.compile("iab", "results.nosuch.x > 1", List.of("iab", "pii")))
                .hasMessageContaining("task 'iab'").hasMessageContaining("results.pii");
        assertThatThrownBy(() -> TaskCondition.compile("iab", "results.iab.x > 1", List.of("iab", "pii")))
                .as("a condition cannot read its own task's result").hasMessageContaining("line 1");
    }

    @Test
    void aConditionSeesTheResultAsTheEnrichedRecordHoldsIt() {
        TaskCondition c = TaskCondition.compile("summary", "results.iab.audience.exists(a, a.score > 0.8)",
                List.of("iab", "summary"));
        IabResult high = new IabResult(List.of(new ScoredLabel("Sports Fans", 0.9)), List.of(), List.of());
        IabResult low = new IabResult(List.of(new ScoredLabel("Sports Fans", 0.3)), List.of(), List.of());
        TaskCondition.Event e = new TaskCondition.Event("e1", "text", Map.of(), Map.of());
        assertThat(c.test(e.withResults(Map.of("iab", TaskType.IAB.toAvro(high))))).isTrue();
        assertThat(c.test(e.withResults(Map.of("iab", TaskType.IAB.toAvro(low))))).isFalse();
        TaskCondition nulls = TaskCondition.compile("summary", "results.pii.redacted_text == null",
                List.of("pii", "summary"));
        assertThat(nulls.test(e.withResults(Map.of("pii", TaskType.PII.toAvro(
                new PiiResult(List.of(), Map.of(), null)))))).isTrue();
    }
}
