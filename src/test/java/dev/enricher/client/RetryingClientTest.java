package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.testing.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standalone client's retries against a transport the test answers by hand, in time moved by hand. */
class RetryingClientTest {
    private final ManualTime time = new ManualTime();
    private final ScriptedTransport transport = new ScriptedTransport();

    /** Records every attempt; the test completes each one. */
    private static final class ScriptedTransport implements ChatTransport {
        record Attempt(String text, CompletableFuture<ChatCompletion> answer) {
        }

        final List<Attempt> attempts = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<ChatCompletion> send(ChatRequest request) {
            Attempt a = new Attempt(request.messages().get(request.messages().size() - 1).content(),
                    new CompletableFuture<>());
            attempts.add(a);
            return a.answer();
        }

        List<String> texts() {
            return attempts.stream().map(Attempt::text).toList();
        }

        @Override
        public void close() {
        }
    }

    private static ChatCompletion ok(String text) {
        return new ChatCompletion("cmpl-" + text, 0, "m", List.of(new Choice(0, "assistant", "ok", "stop")), Usage.NONE,
                null, 1, Duration.ofMillis(10));
    }

    private static ZeroGpuException rateLimited(Duration retryAfter) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.HTTP_STATUS).status(429)
                .code("rate_limit_exceeded").message("slow down").retryAfter(retryAfter).build();
    }

    private RetryingClient client(int maxInFlight) {
        ClientConfig config = ClientConfig.builder().apiKey(ApiKey.of("zgpu-api-test")).maxInFlight(maxInFlight)
                .adaptiveConcurrency(true).nanoTime(time::read).build();
        return new RetryingClient(config, transport, time);
    }

    @AfterEach
    void stop() {
        time.close();
    }

    private static ChatRequest request(String text) {
        return ChatRequest.builder("m").user(text).build();
    }

    @Test
    void aRetryAfterDelaysOnlyTheCallThatGotIt() {
        try (RetryingClient client = client(16)) {
            CompletableFuture<ChatCompletion> a = client.complete(request("a")).toCompletableFuture();
            transport.attempts.get(0).answer().completeExceptionally(rateLimited(Duration.ofSeconds(5)));
            time.runDue();

            // Other calls go out at once and complete while `a` waits: one 429 pauses no one else.
            CompletableFuture<ChatCompletion> b = client.complete(request("b")).toCompletableFuture();
            time.advance(Duration.ofSeconds(1));
            CompletableFuture<ChatCompletion> c = client.complete(request("c")).toCompletableFuture();
            assertThat(transport.texts()).containsExactly("a", "b", "c");
            transport.attempts.get(1).answer().complete(ok("b"));
            transport.attempts.get(2).answer().complete(ok("c"));
            assertThat(b).isCompleted();
            assertThat(c).isCompleted();
            assertThat(client.concurrencyLimit()).as("one 429 is no overload").isEqualTo(16);

            // `a` itself goes again no earlier than its Retry-After.
            time.advance(Duration.ofMillis(3_999));
            assertThat(transport.texts()).containsExactly("a", "b", "c");
            assertThat(client.waiting()).isEqualTo(1);
            time.advance(Duration.ofMillis(1));
            assertThat(transport.texts()).containsExactly("a", "b", "c", "a");
            transport.attempts.get(3).answer().complete(ok("a"));
            assertThat(a).isCompleted();
            assertThat(a.join().attempts()).isEqualTo(2);
            assertThat(client.stats().rateLimited()).isEqualTo(1);
        }
    }
}
