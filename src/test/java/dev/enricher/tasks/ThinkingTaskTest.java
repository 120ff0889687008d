package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import org.junit.jupiter.api.Test;

import static dev.enricher.tasks.ThinkingResult.Split.ANSWER_MARKER;
import static dev.enricher.tasks.ThinkingResult.Split.NONE;
import static dev.enricher.tasks.ThinkingResult.Split.TAGS;
import static org.assertj.core.api.Assertions.assertThat;

class ThinkingTaskTest {
    private final ThinkingTask task = new ThinkingTask();

    private ThinkingResult parse(String content) {
        return task.parse(Completions.of(content));
    }

    @Test
    void request() {
        assertThat(task.name()).isEqualTo("thinking");
        assertThat(task.model()).isEqualTo("LFM2.5-1.2B-Thinking");
        assertThat(task.request("Is 91 prime?").messages()).containsExactly(ChatMessage.user("Is 91 prime?"));
    }

    @Test
    void thinkTags() {
        assertThat(parse("<think>\n91 = 7 * 13, so not prime.\n</think>\n\nNo, 91 is not prime (7 x 13)."))
                .isEqualTo(new ThinkingResult("No, 91 is not prime (7 x 13).", "91 = 7 * 13, so not prime.", TAGS, false));
    }

    @Test
    void closingTagOnlyBecauseTheTemplateOpenedIt() {
        assertThat(parse("91 = 7 * 13.</think>No.")).isEqualTo(new ThinkingResult("No.", "91 = 7 * 13.", TAGS, false));
    }

    @Test
    void severalBlocksAndUpperCaseTags() {
        ThinkingResult r = parse("<THINK>first</THINK> middle <think>second</think> Final.");
        assertThat(r.answer()).isEqualTo("Final.");
        assertThat(r.reasoning()).isEqualTo("first middle second");
    }

    @Test
    void offsetsSurviveCharactersThatChangeLengthWhenLowerCased() {
        // "İ".toLowerCase() is two chars: positions must come from the original text.
        assertThat(parse("<think>İİİİ</think>Ok.")).isEqualTo(new ThinkingResult("Ok.", "İİİİ", TAGS, false));
    }

    @Test
    void emptyThinkBlockGivesNullReasoning() {
        assertThat(parse("<think></think>Yes.")).isEqualTo(new ThinkingResult("Yes.", null, TAGS, false));
    }

    @Test
    void answerMarkerWithoutTags() {
        ThinkingResult r = parse("Let me check: 91 / 7 = 13.\nSo it has a divisor.\n\nAnswer: No, 91 is not prime.");
        assertThat(r).isEqualTo(new ThinkingResult("No, 91 is not prime.",
                "Let me check: 91 / 7 = 13.\nSo it has a divisor.", ANSWER_MARKER, false));
        assertThat(parse("Reasoning here.\n**Final Answer:** 42").answer()).isEqualTo("42");
        assertThat(parse("Reasoning here.\n## Answer:\nForty-two\nexactly.").answer()).isEqualTo("Forty-two\nexactly.");
    }

    @Test
    void theLastMarkerWins() {
        ThinkingResult r = parse("Answer: maybe 7?\nNo, check again.\nAnswer: 13");
        assertThat(r.answer()).isEqualTo("13");
        assertThat(r.reasoning()).isEqualTo("Answer: maybe 7?\nNo, check again.");
    }

    @Test
    void markerMidSentenceOrWithNothingAfterItIsNotASplit() {
        assertThat(parse("The answer: it depends.")).isEqualTo(
                new ThinkingResult("The answer: it depends.", null, NONE, false));
        assertThat(parse("Some thought.\nAnswer:")).isEqualTo(
                new ThinkingResult("Some thought.\nAnswer:", null, NONE, false));
    }

    @Test
    void withoutTagsOrMarkerTheWholeTextIsTheAnswer() {
        String twoParagraphs = "Kafka is a log.\n\nIt stores records in partitions.";
        assertThat(parse(twoParagraphs)).isEqualTo(new ThinkingResult(twoParagraphs, null, NONE, false));
    }

    @Test
    void truncatedFlagFollowsTheFinishReason() {
        assertThat(task.parse(Completions.of("<think>a</think>b", "length")).truncated()).isTrue();
    }

    @Test
    void unparseable() {
        assertThat(Completions.unparseable(task, "")).isEqualTo("expected an answer, found empty content");
        assertThat(Completions.unparseable(task, "<think>all reasoning</think>\n  "))
                .isEqualTo("expected an answer after the last </think>, found none");
        assertThat(Completions.unparseable(task, Completions.of("<think>still thinking when", "length")))
                .startsWith("expected an answer, found only reasoning opened by <think> and never closed")
                .contains("finish_reason 'length'");
    }

    @Test
    void unclosedThinkAfterAnAnswerKeepsTheAnswer() {
        assertThat(parse("Yes.<think>but wait")).isEqualTo(new ThinkingResult("Yes.", "but wait", TAGS, false));
    }
}
