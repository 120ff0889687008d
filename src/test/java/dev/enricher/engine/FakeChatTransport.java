package dev.enricher.engine;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Choice;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.Usage;
import dev.enricher.client.ChatTransport;
import dev.enricher.client.ZeroGpuException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChatTransport} whose calls stay pending until the test answers them. Answers are delivered on the fake's
 * own completing thread (as Vert.x would on an event loop), never on the test thread; {@link #settle()} waits until
 * every answer handed over so far (and whatever the engine did in its callbacks) has run.
 *
 * <p>Records every request in order and the most calls ever outstanding at once. Thread-safe.
 */
final class FakeChatTransport implements ChatTransport {
    /** One call the engine made. */
    final class FakeCall {
        final int index;
        final ChatRequest request;
        private final CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
        private final AtomicBoolean answered = new AtomicBoolean();

        private FakeCall(int index, ChatRequest request) {
            this.index = index;
            this.request = request;
        }

        /** The request as sent. */
        ChatRequest request() {
            return request;
        }

        /** The model the call was for. */
        String model() {
            return request.model();
        }

        /** True when any message of the request contains {@code s}. */
        boolean mentions(String s) {
            for (ChatMessage m : request.messages()) {
                if (m.content().contains(s)) {
                    return true;
                }
            }
            return false;
        }

        /** The content of the last (user) message. */
        String text() {
            return request.messages().get(request.messages().size() - 1).content();
        }

        boolean isAnswered() {
            return answered.get();
        }

        /** Answers with a completion whose content is {@code content}, on the completing thread. */
        void succeed(String content) {
            answer(() -> future.complete(completion(request.model(), content, "req-" + index)));
        }

        /** Fails the call with {@code error}, on the completing thread. */
        void fail(ZeroGpuException error) {
            answer(() -> future.completeExceptionally(error));
        }

        private void answer(Runnable r) {
            if (!answered.compareAndSet(false, true)) {
                throw new IllegalStateException("call " + index + " (" + text() + ") answered twice");
            }
            completer.execute(() -> {
                outstanding.decrementAndGet();
                r.run();
            });
        }

        @Override
        public String toString() {
            return "call#" + index + "[" + model() + ": " + text() + "]";
        }
    }

    private final List<FakeCall> calls = new ArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicInteger maxOutstanding = new AtomicInteger();
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-client-completer");
        t.setDaemon(true);
        return t;
    });

    static ChatCompletion completion(String model, String content, String requestId) {
        return new ChatCompletion("cmpl-" + requestId, 1_760_000_000L, model,
                List.of(new Choice(0, "assistant", content, "stop")), new Usage(10, 5, 15), requestId, 1,
                Duration.ofMillis(40));
    }

    /** An HTTP error of the given disposition and status. */
    static ZeroGpuException httpError(Disposition disposition, int status) {
        return ZeroGpuException.builder(disposition, FailureKind.HTTP_STATUS).status(status)
                .message("fake HTTP " + status).requestId("req-err-" + status).build();
    }

    /** A TRANSIENT 429 that asks to wait {@code retryAfter}. */
    static ZeroGpuException rateLimited(Duration retryAfter) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.HTTP_STATUS).status(429)
                .code("rate_limit_exceeded").message("slow down").retryAfter(retryAfter).build();
    }

    @Override
    public CompletionStage<ChatCompletion> send(ChatRequest request) {
        FakeCall c;
        synchronized (calls) {
            c = new FakeCall(calls.size(), request);
            calls.add(c);
        }
        int now = outstanding.incrementAndGet();
        maxOutstanding.accumulateAndGet(now, Math::max);
        return c.future;
    }

    /** Every call made so far, in the order they were made. */
    List<FakeCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Calls made and not yet answered, oldest first. */
    List<FakeCall> unanswered() {
        return calls().stream().filter(c -> !c.isAnswered()).toList();
    }

    /** The unanswered call whose request mentions {@code text} for {@code model}; fails unless exactly one. */
    FakeCall unanswered(String model, String text) {
        List<FakeCall> found = unanswered().stream().filter(c -> c.model().equals(model) && c.mentions(text)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one unanswered call of " + model + " mentioning '" + text + "', found "
                    + found + " among " + unanswered());
        }
        return found.get(0);
    }

    int requestCount() {
        synchronized (calls) {
            return calls.size();
        }
    }

    /** The most calls ever outstanding at once. */
    int maxOutstanding() {
        return maxOutstanding.get();
    }

    /** Waits until every answer handed to the completing thread so far has been delivered. */
    void settle() {
        try {
            completer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the completing thread is stuck", e);
        }
    }

    @Override
    public void close() {
        completer.shutdownNow();
    }
}
