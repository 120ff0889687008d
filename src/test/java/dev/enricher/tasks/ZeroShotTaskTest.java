package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ZeroShotTaskTest {
    private final ZeroShotTask task = new ZeroShotTask(List.of("sports", "politics", "tech"));

    @Test
    void labelsAreASystemMessageWrittenInBrackets() {
        assertThat(task.name()).isEqualTo("labels");
        assertThat(task.model()).isEqualTo("deberta-v3-small");
        assertThat(task.request("The match ended 2-1").messages()).containsExactly(
                ChatMessage.system("[sports, politics, tech]"), ChatMessage.user("The match ended 2-1"));
        assertThat(task.request("x").metadata()).isEmpty();
        assertThat(task.request("x").extraFields()).isEmpty();
    }

    @Test
    void moreThanTenLabelsAreRejected() {
        List<String> eleven = IntStream.rangeClosed(1, 11).mapToObj(i -> "l" + i).toList();
        assertThatThrownBy(() -> new ZeroShotTask(eleven))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels must hold at most 10 labels (the model's limit), had 11");
        assertThat(new ZeroShotTask(eleven.subList(0, 10)).labels()).hasSize(10);
    }

    @Test
    void labelsTheSyntaxCannotCarryAreRejected() {
        assertThatThrownBy(() -> new ZeroShotTask(List.of("a, b"))).hasMessageContaining("must not contain ','");
        assertThatThrownBy(() -> new ZeroShotTask(List.of("a", "a"))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> new ZeroShotTask(List.of()))
                .hasMessageContaining("at least one");
        assertThat(new ZeroShotTask(List.of(" sports ")).labels()).containsExactly("sports");
    }

    @Test
    void parsesScoresOrderedByScore() {
        ZeroShotResult r = task.parse(Completions.of("{\"sports\":0.912345,\"tech\":0.050000,\"politics\":0.037655}"));
        assertThat(r.labels()).containsExactly(new ScoredLabel("sports", 0.912345), new ScoredLabel("tech", 0.05),
                new ScoredLabel("politics", 0.037655));
        assertThat(r.top().name()).isEqualTo("sports");
        // Order is an invariant of the result, whatever order the model used.
        assertThat(task.parse(Completions.of("{\"tech\":0.1,\"sports\":0.9}")).top().name()).isEqualTo("sports");
    }

    @Test
    void unparseable() {
        assertThat(Completions.unparseable(task, "{}"))
                .isEqualTo("expected at least one label score at $, found an empty object");
        assertThat(Completions.unparseable(task, "{\"sports\":\"0.9\"}"))
                .isEqualTo("expected a number at $.<key 0>, found a string");
        assertThat(Completions.unparseable(task, "[{\"label\":\"sports\",\"score\":0.9}]"))
                .isEqualTo("expected an object at $, found an array");
        assertThat(Completions.unparseable(task, "{\"sports\":1e999}"))
                .isEqualTo("expected a finite number at $.<key 0>, found a number out of range");
    }
}
