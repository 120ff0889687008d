package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task conditions in CEL: compiled and type-checked up front, evaluated per event. */
class TaskConditionTest {
    private static final TaskCondition.Event NEWS = new TaskCondition.Event("e1", "Election results are in. \uD83D\uDDF3",
            Map.of("category", "news", "lang", "en"), Map.of("source", "crm"));

    @Test
    void conditionsReadTheEventsIdTextLengthAttributesAndHeaders() {
        assertThat(TaskCondition.compile("t", "attributes.category == 'news'").test(NEWS)).isTrue();
        assertThat(TaskCondition.compile("t", "attributes.category == 'sports'").test(NEWS)).isFalse();
        assertThat(TaskCondition.compile("t", "text_length == 26").test(NEWS)).as("26 code points (27 UTF-16 units)")
                .isTrue();
        assertThat(TaskCondition.compile("t", "text_length > 2000").test(NEWS)).isFalse();
        assertThat(TaskCondition.compile("t", "has(attributes.lang) && attributes.lang in ['en', 'de']").test(NEWS))
                .isTrue();
        assertThat(TaskCondition.compile("t", "has(attributes.missing)").test(NEWS)).isFalse();
        assertThat(TaskCondition.compile("t", "headers['source'] == 'crm' && id.startsWith('e')").test(NEWS)).isTrue();
        assertThat(TaskCondition.compile("t", "text.contains('Election')").test(NEWS)).isTrue();
        assertThat(TaskCondition.compile("t", "id == ''").test(new TaskCondition.Event(null, "x", null, null)))
                .as("an event without id reads as empty").isTrue();
    }

    @Test
    void aConditionThatIsNotValidIsRefusedAtStartNamingTheTaskAndThePosition() {
        assertThatThrownBy(() -> TaskCondition.compile("followups", "attributes.category = 'news'"))
                .hasMessageContaining("task 'followups'").hasMessageContaining("line 1, column");
        assertThatThrownBy(() -> TaskCondition.compile("followups", "lenght > 10"))
                .hasMessageContaining("task 'followups'").hasMessageContaining("lenght")
                .hasMessageContaining("line 1, column 1");
        assertThatThrownBy(() -> TaskCondition.compile("followups", "text_length + 1"))
                .as("not a bool").hasMessageContaining("task 'followups'").hasMessageContaining("int");
        assertThatThrownBy(() -> TaskCondition.compile("followups", "text_length > 'long'"))
                .hasMessageContaining("task 'followups'");
        assertThatThrownBy(() -> TaskCondition.compile("followups", " "))
                .hasMessageContaining("when must be a non-empty expression");
    }

    @Test
    void aConditionThatFailsOnAnEventSaysWhichTaskAndHowToGuardIt() {
        TaskCondition c = TaskCondition.compile("summary", "attributes.missing == 'x'");
        assertThatThrownBy(() -> c.test(NEWS)).isInstanceOf(TaskCondition.ConditionFailedException.class)
                .hasMessageContaining("task 'summary'").hasMessageContaining("attributes.missing == 'x'")
                .hasMessageContaining("has(attributes.x)");
    }

    @Test
    void equalWhenTaskAndExpressionAre() {
        assertThat(TaskCondition.compile("a", "text_length > 1")).isEqualTo(TaskCondition.compile("a", "text_length > 1"))
                .isNotEqualTo(TaskCondition.compile("b", "text_length > 1"));
    }
}
