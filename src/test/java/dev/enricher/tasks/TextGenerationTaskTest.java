package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextGenerationTaskTest {

    @Test
    void defaultIsAPlainUserMessageToLlama() {
        TextGenerationTask task = new TextGenerationTask();
        assertThat(task.name()).isEqualTo("summary");
        ChatRequest r = task.request("A long article");
        assertThat(r.model()).isEqualTo("llama-3.1-8b-instruct-fast");
        assertThat(r.messages()).containsExactly(ChatMessage.user("A long article"));
        assertThat(r.metadata()).isEmpty();
        assertThat(r.extraFields()).isEmpty();
    }

    @Test
    void systemPromptAndSamplingOptions() {
        TextGenerationTask task = new TextGenerationTask("headline", ModelCatalog.LFM_INSTRUCT,
                "Write a headline.", 64, 0.2);
        ChatRequest r = task.request("A long article");
        assertThat(r.model()).isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(r.messages()).containsExactly(ChatMessage.system("Write a headline."),
                ChatMessage.user("A long article"));
        assertThat(r.metadata()).isEmpty();
        assertThat(r.extraFields()).containsExactly(Map.entry("max_tokens", 64), Map.entry("temperature", 0.2));
    }

    @Test
    void validatesOptions() {
        assertThatThrownBy(() -> new TextGenerationTask(null, null, null, 0, null)).hasMessage("max_tokens must be > 0, was 0");
        assertThatThrownBy(() -> new TextGenerationTask(null, null, null, null, 3.0))
                .hasMessage("temperature must be between 0 and 2, was 3.0");
        assertThatThrownBy(() -> new TextGenerationTask("bad name", null, null, null, null))
                .hasMessageContaining("task name must match");
    }

    @Test
    void parsesTextWithFinishReason() {
        TextGenerationTask task = new TextGenerationTask();
        assertThat(task.parse(Completions.of("  The article says X.\n"))).isEqualTo(
                new TextResult("The article says X.", "stop", false));
        assertThat(task.parse(Completions.of("The article says", "length"))).isEqualTo(
                new TextResult("The article says", "length", true));
        assertThat(task.parse(Completions.of("{\"not\":\"parsed\"}")).text()).isEqualTo("{\"not\":\"parsed\"}");
    }

    @Test
    void emptyTextIsUnparseable() {
        TextGenerationTask task = new TextGenerationTask();
        assertThat(Completions.unparseable(task, " ")).isEqualTo("expected text, found empty content");
        assertThat(Completions.unparseable(task, Completions.of("", "length"))).contains("finish_reason 'length'");
    }
}
