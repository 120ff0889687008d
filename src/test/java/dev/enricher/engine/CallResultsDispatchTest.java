package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.Admission;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Disposition;
import dev.enricher.results.Answer;
import dev.enricher.results.CallKey;
import dev.enricher.results.CallResults;
import dev.enricher.testing.ManualTime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher never pays twice for one question: stored answers serve calls without sending them, identical calls
 * in flight at once make one call (coalescing), an unanswered leader lets its waiters go out on their own, and a
 * refused answer serves no one else.
 */
class CallResultsDispatchTest {
    private final FakeChatTransport transport = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final ManualTime time = new ManualTime();
    private final EngineStats stats = new EngineStats();
    private final List<String> saved = new CopyOnWriteArrayList<>();
    private CallResults results;
    private Dispatcher dispatcher;
    private Lane lane;

    @BeforeEach
    void start() {
        EngineConfig config = EngineConfig.defaults().withMaxInFlight(8);
        Circuit circuit = new Circuit(config, stats, time, time);
        dispatcher = new Dispatcher(transport, Admission.Limits.fixed(8), clock, time, time, stats, circuit);
        results = new CallResults(Duration.ofDays(7), 1 << 20, clock);
        dispatcher.results(results);
        dispatcher.observer(new CallObserver() {
            @Override
            public void callEnded(String model, String outcome, int status, Duration latency,
                                  dev.enricher.client.Usage usage) {
            }

            @Override
            public void callSaved(String model, String task, dev.enricher.client.Usage usage) {
                saved.add(task + "@" + model + ":" + usage.totalTokens());
            }
        });
        lane = dispatcher.openLane("0_0");
    }

    @AfterEach
    void stop() {
        time.close();
        transport.close();
    }

    private static CallKey key(String text) {
        return CallKey.of("model-x", "fp", text.getBytes(StandardCharsets.UTF_8));
    }

    private Call call(long seq, String text) {
        return new Call(lane, seq, 0, -1, ChatRequest.builder("model-x").user(text).build(), "summary", key(text));
    }

    private List<Completion> completions(int n) {
        List<Completion> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Completion c;
            while ((c = lane.completions.poll()) != null) {
                out.add(c);
            }
            return out.size() >= n;
        });
        assertThat(out).hasSize(n);
        return out;
    }

    @Test
    void aStoredAnswerServesTheCallWithoutSendingIt() {
        results.put(key("hello"), new Answer("summary", "model-x",
                FakeChatTransport.completion("model-x", "{\"summary\":\"hi\"}", "req-original"), clock.millis()));

        dispatcher.submit(call(1, "hello"));

        Completion c = completions(1).get(0);
        assertThat(transport.requestCount()).isZero();
        assertThat(c.cached()).isTrue();
        assertThat(c.answer()).as("nothing new to record").isNull();
        assertThat(c.completion().requestId()).isEqualTo("req-original");
        assertThat(c.completion().content()).isEqualTo("{\"summary\":\"hi\"}");
        assertThat(stats.callsSaved()).isEqualTo(1);
        assertThat(saved).containsExactly("summary@model-x:" + c.completion().usage().totalTokens());
    }

    @Test
    void identicalCallsInFlightAtOnceMakeOneCallAndAllGetItsAnswer() {
        dispatcher.submit(call(1, "same text"));
        dispatcher.submit(call(2, "same text"));
        dispatcher.submit(call(3, "same text"));
        dispatcher.submit(call(4, "other text"));

        assertThat(transport.requestCount()).isEqualTo(2);
        transport.unanswered("model-x", "same text").succeed("{\"a\":1}");
        transport.settle();

        List<Completion> done = completions(3);
        assertThat(done).extracting(Completion::seq).containsExactlyInAnyOrder(1L, 2L, 3L);
        Completion paid = done.stream().filter(c -> c.seq() == 1).findFirst().orElseThrow();
        assertThat(paid.cached()).isFalse();
        assertThat(paid.answer()).as("the paid answer is to be recorded").isNotNull();
        assertThat(done.stream().filter(c -> c.seq() != 1)).allSatisfy(c -> {
            assertThat(c.cached()).isTrue();
            assertThat(c.answer()).isNull();
            assertThat(c.completion().requestId()).isEqualTo(paid.completion().requestId());
        });
        assertThat(stats.callsSaved()).isEqualTo(2);
        assertThat(stats.inFlight()).isEqualTo(1);
    }

    @Test
    void aLaterIdenticalCallIsServedFromTheAnswerKeptLocally() {
        dispatcher.submit(call(1, "repeated"));
        transport.unanswered("model-x", "repeated").succeed("{\"a\":1}");
        transport.settle();
        completions(1);

        dispatcher.submit(call(2, "repeated"));

        Completion again = completions(1).get(0);
        assertThat(again.cached()).isTrue();
        assertThat(transport.requestCount()).isEqualTo(1);
    }

    @Test
    void whenTheLeaderFailsItsWaitersAreAskedOnTheirOwn() {
        dispatcher.submit(call(1, "flaky"));
        dispatcher.submit(call(2, "flaky"));
        assertThat(transport.requestCount()).isEqualTo(1);

        transport.unanswered("model-x", "flaky").fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        transport.settle();

        Completion failed = completions(1).get(0);
        assertThat(failed.seq()).isEqualTo(1);
        assertThat(failed.error()).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.requestCount() == 2);
        transport.unanswered("model-x", "flaky").succeed("{\"a\":2}");
        transport.settle();
        Completion second = completions(1).get(0);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.cached()).as("paid by itself").isFalse();
    }

    @Test
    void aRefusedAnswerServesNoOtherCall() {
        dispatcher.submit(call(1, "odd"));
        transport.unanswered("model-x", "odd").succeed("not json");
        transport.settle();
        Completion first = completions(1).get(0);

        dispatcher.refused(first.key());
        dispatcher.submit(call(2, "odd"));

        assertThat(transport.requestCount()).isEqualTo(2);
    }

    @Test
    void anExpiredAnswerIsAskedAgain() {
        results.put(key("old"), new Answer("summary", "model-x",
                FakeChatTransport.completion("model-x", "{}", "req-old"), clock.millis()));
        clock.advance(Duration.ofDays(7));

        dispatcher.submit(call(1, "old"));

        assertThat(transport.requestCount()).isEqualTo(1);
        assertThat(stats.callsSaved()).isZero();
    }

    @Test
    void aTokenRateLimitChargesThePromptsEstimateAndTheAnswersUsageCorrectsIt() {
        EngineConfig config = EngineConfig.defaults().withMaxInFlight(8);
        Circuit circuit = new Circuit(config, stats, time, time);
        // 600 tokens a minute: a bucket of 100. Each request's estimate is about 160 tokens, its answer uses 15.
        Dispatcher limited = new Dispatcher(transport, Admission.Limits.fixed(8).withTokensPerMinute(600), clock, time,
                time, stats, circuit);
        Lane l = limited.openLane("0_1");
        String text = "x.".repeat(75); // 150 tokens: a one-letter word and a full stop each count one
        limited.submit(new Call(l, 1, 0, ChatRequest.builder("model-x").user(text + 1).build()));
        limited.submit(new Call(l, 2, 0, ChatRequest.builder("model-x").user(text + 2).build()));
        assertThat(transport.requestCount()).as("the first took the bucket into debt").isEqualTo(1);

        transport.unanswered("model-x", text + 1).succeed("{}");
        transport.settle();

        assertThat(transport.requestCount()).as("the answer used 15 tokens, not 160: the refund lets the next go")
                .isEqualTo(2);
    }

    @Test
    void withoutKeysEveryCallIsMade() {
        ChatRequest r = ChatRequest.builder("model-x").user("same").build();
        dispatcher.submit(new Call(lane, 1, 0, r));
        dispatcher.submit(new Call(lane, 2, 0, r));

        assertThat(transport.requestCount()).isEqualTo(2);
    }
}
