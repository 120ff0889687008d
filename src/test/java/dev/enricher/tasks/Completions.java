package dev.enricher.tasks;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuException;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Completions as the client hands them to tasks, and the assertion every unparseable case shares. */
final class Completions {
    private Completions() {
    }

    static ChatCompletion of(String content) {
        return of(content, "stop");
    }

    static ChatCompletion of(String content, String finishReason) {
        return new ChatCompletion("id-1", 1_760_000_000L, "model-x",
                List.of(new Choice(0, "assistant", content, finishReason)), Usage.NONE, "req_x", 1, Duration.ZERO);
    }

    /**
     * Parses {@code content} expecting a RECORD / UNPARSEABLE_CONTENT error that keeps the raw content and does
     * not echo it; returns the reason for further checks.
     */
    static String unparseable(EnrichmentTask task, String content) {
        return unparseable(task, of(content));
    }

    static String unparseable(EnrichmentTask task, ChatCompletion completion) {
        return unparseable(task, completion, null);
    }

    /** As {@link #unparseable(EnrichmentTask, String)}, parsed as the engine parses: against the request's text. */
    static String unparseable(EnrichmentTask task, String content, String text) {
        return unparseable(task, of(content), text);
    }

    private static String unparseable(EnrichmentTask task, ChatCompletion completion, String text) {
        try {
            TaskResult r = text == null ? task.parse(completion) : task.parse(completion, text);
            return fail("expected unparseable content, got " + r);
        } catch (ZeroGpuException e) {
            assertThat(e.disposition()).isEqualTo(Disposition.RECORD);
            assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE_CONTENT);
            assertThat(e.rawContent()).isEqualTo(completion.content());
            assertThat(e.requestId()).isEqualTo("req_x");
            String reason = e.apiMessage();
            assertThat(reason).isNotBlank();
            if (completion.content().strip().length() >= 8) { // short contents ("null") are words of any reason
                assertThat(reason).as("the reason must not echo the content").doesNotContain(completion.content().strip());
            }
            return reason;
        }
    }
}
