package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FollowupQuestionsTaskTest {
    private final FollowupQuestionsTask task = new FollowupQuestionsTask();

    @Test
    void defaultsAndDeprecatedModelIsASetting() {
        assertThat(task.name()).isEqualTo("followups");
        assertThat(task.model()).isEqualTo("zlm-v1-followup-questions-edge");
        assertThat(new FollowupQuestionsTask(null, "zlm-v2-followups").request("t").model()).isEqualTo("zlm-v2-followups");
        assertThat(task.request("Kafka rebalances").messages()).containsExactly(ChatMessage.user("Kafka rebalances"));
    }

    @Test
    void readsTheJsonArray() {
        assertThat(task.parse(Completions.of("[\"What is a rebalance?\",\"How long does it take?\"]")).questions())
                .containsExactly("What is a rebalance?", "How long does it take?");
    }

    @Test
    void jsonArrayItemsAreTrimmedAndBlankOnesDropped() {
        assertThat(task.parse(Completions.of(" [\" Why? \",\"\",\"  \"] ")).questions()).containsExactly("Why?");
        assertThat(task.parse(Completions.of("[]")).questions()).isEmpty();
    }

    @Test
    void readsTheOlderNewlineFormatStrippingListMarkers() {
        String older = "1. What is a rebalance?\r\n\n2) How long does it take?\n- Can it be avoided?\n"
                + "* Who triggers it?\n• Is it safe?\n(6) What about EOS?\nQ7: And static membership?\n   \n";
        assertThat(task.parse(Completions.of(older)).questions()).containsExactly(
                "What is a rebalance?", "How long does it take?", "Can it be avoided?", "Who triggers it?",
                "Is it safe?", "What about EOS?", "And static membership?");
    }

    @Test
    void plainLinesStayWhole() {
        assertThat(task.parse(Completions.of("What is 2024's trend?\n10x faster, really?")).questions())
                .containsExactly("What is 2024's trend?", "10x faster, really?");
    }

    @Test
    void unparseable() {
        assertThat(Completions.unparseable(task, "  \n ")).contains("found empty content");
        assertThat(Completions.unparseable(task, "[\"What?\", 3]"))
                .isEqualTo("expected a string at $[1], found an integer");
        assertThat(Completions.unparseable(task, "[\"What?\""))
                .startsWith("expected a JSON array of question strings, found invalid JSON");
        assertThat(Completions.unparseable(task, "{\"questions\":[\"What?\"]}"))
                .isEqualTo("expected an array at $, found an object");
        assertThat(Completions.unparseable(task, "-\n*\n1.")).contains("found only list markers");
    }
}
