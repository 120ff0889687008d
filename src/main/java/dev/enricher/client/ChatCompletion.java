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

    /** The content of the first choice: what every task parses. */
    public String content() {
        return choices.get(0).content();
    }

    ChatCompletion withAttempts(int n, Duration lastLatency) {
        return new ChatCompletion(id, created, model, choices, usage, requestId, n, lastLatency);
    }
}
