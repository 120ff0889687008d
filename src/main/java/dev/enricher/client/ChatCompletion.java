package dev.enricher.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A successful chat completion plus what the client learned making it.
 *
 * @param id        the server's opaque id (never parsed)
 * @param created   Unix seconds, 0 when absent
 * @param model     the model the server echoed
 * @param choices   at least one choice
 * @param usage     token counts, {@link Usage#NONE} when absent
 * @param requestId the {@code x-request-id} response header, null when absent
 * @param attempts  HTTP attempts this completion took (1 without retries)
 * @param latency   duration of the successful attempt, from send to parsed answer
 */
public record ChatCompletion(String id, long created, String model, List<Choice> choices, Usage usage,
                             String requestId, int attempts, Duration latency) {
    public ChatCompletion {
        Objects.requireNonNull(choices, "choices");
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("a completion has at least one choice");
        }
        choices = List.copyOf(choices);
        usage = usage == null ? Usage.NONE : usage;
        latency = latency == null ? Duration.ZERO : latency;
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        }
    }

    /**
     * A completion read back from where the service kept it (the pending store, the call results): one choice, the
     * counts that were reported (both null: {@link Usage#NONE}; one missing: 0).
     */
    public static ChatCompletion kept(String id, String model, String content, String finishReason, Long promptTokens,
                                      Long completionTokens, String requestId, int attempts, long latencyMs) {
        long p = promptTokens == null ? 0 : promptTokens;
        long c = completionTokens == null ? 0 : completionTokens;
        Usage usage = promptTokens == null && completionTokens == null ? Usage.NONE : new Usage(p, c, p + c);
        return new ChatCompletion(id, 0, model, List.of(new Choice(0, "assistant", content, finishReason)), usage,
                requestId, Math.max(1, attempts), Duration.ofMillis(latencyMs));
    }

    /** The content of the first choice: what every task parses. */
    public String content() {
        return choices.get(0).content();
    }

    ChatCompletion withAttempts(int n, Duration lastLatency) {
        return new ChatCompletion(id, created, model, choices, usage, requestId, n, lastLatency);
    }
}
