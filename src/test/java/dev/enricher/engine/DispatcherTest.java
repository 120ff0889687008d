package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.Admission;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Disposition;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.testing.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared dispatcher against a fake transport: the in-flight cap, fairness between lanes (also under a 429 storm),
 * closed lanes, the circuit. Time (the outage window, probes, the circuit's pause and resume) is moved by hand.
 */
class DispatcherTest {
    private final FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ManualTime time = new ManualTime();
    private final EngineStats stats = new EngineStats();
    private final RecordingControl control = new RecordingControl();
    private Scheduler scheduler = time;
    private Circuit circuit;
    private Dispatcher dispatcher;

    /** Records pause/resume calls and the threads they came from. */
    static final class RecordingControl implements InstanceControl {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void pause() {
            calls.add("pause");
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void resume() {
            calls.add("resume");
            threads.add(Thread.currentThread().getName());
        }
    }

    private void start(EngineConfig config) {
        start(config, Admission.Limits.fixed(config.maxInFlight()), time);
    }

    private void start(EngineConfig config, Admission.Limits limits, Ticker ticker) {
        circuit = new Circuit(config, stats, ticker, scheduler);
        circuit.control(control);
        dispatcher = new Dispatcher(client, limits, clock, ticker, scheduler, stats, circuit);
    }

    private static EngineConfig config(int maxInFlight) {
        return EngineConfig.defaults().withMaxInFlight(maxInFlight)
                .withProbeInterval(Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        scheduler.close();
        client.close();
    }

    private static Call call(Lane lane, long seq, String text) {
        return new Call(lane, seq, 0, ChatRequest.builder("model-x").user(text).build());
    }

    private static List<Completion> drain(Lane lane) {
        List<Completion> out = new ArrayList<>();
        Completion c;
        while ((c = lane.completions.poll()) != null) {
            out.add(c);
        }
        return out;
    }

    @Test
    void theInFlightCapHoldsWithManyLanesSubmittingConcurrently() throws Exception {
        int cap = 8;
        start(config(cap));
        int lanes = 20;
        int perLane = 50;
        List<Lane> all = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            all.add(dispatcher.openLane("task-" + l));
        }
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int l = 0; l < lanes; l++) {
            Lane lane = all.get(l);
            submitters.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int s = 0; s < perLane; s++) {
                    dispatcher.submit(call(lane, s, lane + "/" + s));
                }
            });
        }
        go.countDown();
        Random random = new Random(3);
        int total = lanes * perLane;
        // Answer whatever is out, in random order, while the submitters are still adding.
        await().atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            List<FakeChatTransport.FakeCall> out = new ArrayList<>(client.unanswered());
            assertThat(out.size()).isLessThanOrEqualTo(cap);
            Collections.shuffle(out, random);
            for (FakeChatTransport.FakeCall c : out) {
                c.succeed("ok");
            }
            client.settle();
            return client.requestCount() == total && client.unanswered().isEmpty();
        });
        submitters.shutdown();
        assertThat(submitters.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(client.maxOutstanding()).isLessThanOrEqualTo(cap);
        assertThat(stats.peakInFlight()).isLessThanOrEqualTo(cap).isGreaterThan(1);
        assertThat(stats.inFlight()).isZero();
        for (Lane lane : all) {
            List<Completion> done = drain(lane);
            assertThat(done).as("lane %s", lane).hasSize(perLane);
            assertThat(done.stream().map(Completion::seq).distinct().count()).isEqualTo(perLane);
        }
    }

    @Test
    void aSmallLaneIsNotStuckBehindABigOne() {
        int cap = 4;
        start(config(cap));
        Lane big = dispatcher.openLane("big");
        Lane small = dispatcher.openLane("small");
        for (int s = 0; s < 1_000; s++) {
            dispatcher.submit(call(big, s, "big-" + s));
        }
        for (int s = 0; s < 10; s++) {
            dispatcher.submit(call(small, s, "small-" + s));
        }
        // Free one slot at a time, oldest call first, until every small call has been sent.
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            client.unanswered().get(0).succeed("ok");
            client.settle();
            return client.calls().stream().filter(c -> c.text().startsWith("small-")).count() == 10;
        });
        List<String> sent = client.calls().stream().map(FakeChatTransport.FakeCall::text).toList();
        int lastSmall = sent.indexOf("small-9");
        // The first `cap` calls went out before the small lane had any; then the lanes take turns.
        assertThat(lastSmall).as("position of the small lane's last call in %s", sent).isLessThan(cap + 2 * 10 + 2);
        List<String> smallOrder = sent.stream().filter(t -> t.startsWith("small-")).toList();
        assertThat(smallOrder).as("a lane's calls keep their order").containsExactly(
                "small-0", "small-1", "small-2", "small-3", "small-4", "small-5", "small-6", "small-7", "small-8",
                "small-9");
        assertThat(client.maxOutstanding()).isLessThanOrEqualTo(cap);
    }

    @Test
    void aSmallLaneIsServedItsFairShareDuringA429StormThatCutsTheLimit() {
        int cap = 16;
        int smallCalls = 60;
        start(config(cap), new Admission.Limits(cap, 2, true, 0), time);
        Lane big = dispatcher.openLane("flooded");
        Lane small = dispatcher.openLane("small");
        for (int s = 0; s < 500; s++) {
            dispatcher.submit(call(big, s, "big-" + s));
        }
        for (int s = 0; s < smallCalls; s++) {
            dispatcher.submit(call(small, s, "small-" + s));
        }
        assertThat(client.requestCount()).as("the first calls fill the cap").isEqualTo(cap);
        int lowest = cap;
        // The flooded task's calls all meet 429s; the small task's succeed. Answer the oldest call out: the limit
        // halves once per 21 429s to calls sent since the last cut.
        while (client.calls().stream().filter(c -> c.text().startsWith("small-")).count() < smallCalls) {
            List<FakeChatTransport.FakeCall> out = client.unanswered();
            int sentBefore = client.requestCount();
            FakeChatTransport.FakeCall oldest = out.get(0);
            if (oldest.text().startsWith("big-")) {
                oldest.fail(FakeChatTransport.rateLimited(Duration.ofSeconds(1)));
            } else {
                oldest.succeed("ok");
            }
            client.settle();
            if (out.size() - 1 >= dispatcher.concurrencyLimit()) {
                assertThat(client.requestCount()).as("no call goes out while those out are at the limit")
                        .isEqualTo(sentBefore);
            }
            time.advance(Duration.ofMillis(100));
            lowest = Math.min(lowest, dispatcher.concurrencyLimit());
        }
        // Half the answers are 429s: the limit is cut again and again, the small lane's successes raise it between.
        assertThat(lowest).as("the storm cut the limit to a few slots").isLessThanOrEqualTo(cap / 3);
        List<String> sent = client.calls().stream().map(FakeChatTransport.FakeCall::text).toList();
        // After the first `cap` calls, every other call sent is the small task's until it has none left: its turn
        // comes whatever the limit, never behind the flooded task's queue.
        for (int k = 0; k < smallCalls; k++) {
            assertThat(sent.indexOf("small-" + k)).as("position of small-%d in %s", k, sent)
                    .isLessThanOrEqualTo(cap + 2 * k + 1);
        }
        client.unanswered().stream().filter(c -> c.text().startsWith("small-")).forEach(c -> c.succeed("ok"));
        client.settle();
        assertThat(drain(small)).hasSize(smallCalls).allSatisfy(c -> assertThat(c.error()).isNull());
    }

    @Test
    void statsTellCallsOnTheWireFromCallsWaitingForTheLimit() {
        int cap = 64;
        start(config(cap), new Admission.Limits(cap, 4, true, 0), time);
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 200; s++) {
            dispatcher.submit(call(lane, s, "c-" + s));
        }
        assertThat(stats.inFlight()).isEqualTo(64).isEqualTo(client.unanswered().size());
        assertThat(stats.waitingForLimit()).isEqualTo(136);

        // Overload: the 21st 429 halves the limit. Calls out stay out until answered; the rest wait for the limit.
        int answered = 0;
        while (dispatcher.concurrencyLimit() == cap) {
            client.unanswered().get(0).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(1)));
            client.settle();
            answered++;
        }
        assertThat(answered).isEqualTo(21);
        assertThat(dispatcher.concurrencyLimit()).isEqualTo(32);
        assertThat(stats.inFlight()).as("on the wire: still the calls sent before the cut").isEqualTo(63)
                .isEqualTo(client.unanswered().size());
        assertThat(stats.waitingForLimit()).isEqualTo(200 - answered - 63);
        for (int i = 0; i < 40; i++) {
            client.unanswered().get(0).succeed("ok");
            client.settle();
            answered++;
        }
        assertThat(stats.inFlight()).as("on the wire: down to the limit").isEqualTo(client.unanswered().size())
                .isLessThanOrEqualTo(dispatcher.concurrencyLimit()).isBetween(32, 34);
        assertThat(stats.waitingForLimit()).isEqualTo(200 - answered - stats.inFlight());
        assertThat(stats.peakInFlight()).isEqualTo(64);
    }

    @Test
    void aClosedLaneLosesItsQueuedCallsAndItsLateAnswersAreStale() {
        start(config(2));
        Lane closing = dispatcher.openLane("closing");
        Lane other = dispatcher.openLane("other");
        for (int s = 0; s < 5; s++) {
            dispatcher.submit(call(closing, s, "closing-" + s));
        }
        assertThat(client.requestCount()).isEqualTo(2);
        closing.close();
        for (FakeChatTransport.FakeCall c : client.unanswered()) {
            c.succeed("late");
        }
        client.settle();
        assertThat(stats.staleCompletions()).isEqualTo(2);
        assertThat(drain(closing)).isEmpty();
        assertThat(client.requestCount()).as("the closed lane's queued calls are never sent").isEqualTo(2);
        dispatcher.submit(call(other, 0, "other-0"));
        assertThat(client.calls().stream().map(FakeChatTransport.FakeCall::text)).contains("other-0");
        client.unanswered("model-x", "other-0").succeed("ok");
        client.settle();
        assertThat(drain(other)).hasSize(1);
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void anOperatorErrorOpensTheCircuitHoldsTheCallBackAndAProbeResumes() {
        start(EngineConfig.defaults().withMaxInFlight(4).withProbeInterval(Duration.ofMillis(50), Duration.ofMillis(200)));
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 3; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
        }
        assertThat(client.requestCount()).isEqualTo(3);

        client.unanswered("model-x", "c0").fail(FakeChatTransport.httpError(Disposition.OPERATOR, 403));
        client.settle();
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.reason()).contains("403");
        assertThat(stats.circuitOpens()).isEqualTo(1);
        assertThat(stats.heldBack()).isEqualTo(1);
        assertThat(drain(lane)).as("an OPERATOR error is never delivered").isEmpty();
        time.runDue();
        assertThat(control.calls).contains("pause");

        // Calls already out still answer; nothing new goes out while open.
        client.unanswered("model-x", "c1").succeed("ok");
        dispatcher.submit(call(lane, 3, "c3"));
        dispatcher.submit(call(lane, 4, "c4"));
        client.settle();
        List<Completion> delivered = drain(lane);
        assertThat(delivered).extracting(Completion::seq).containsExactly(1L);

        // The probe re-sends the held-back call, alone, once the probe interval has passed.
        time.advance(Duration.ofMillis(49));
        assertThat(client.requestCount()).isEqualTo(3);
        time.advance(Duration.ofMillis(1));
        assertThat(client.requestCount()).isEqualTo(4);
        assertThat(client.calls().get(3).text()).isEqualTo("c0");
        assertThat(circuit.isOpen()).isTrue();
        assertThat(client.unanswered()).extracting(FakeChatTransport.FakeCall::text).containsExactlyInAnyOrder("c2", "c0");

        client.unanswered("model-x", "c0").succeed("ok");
        client.settle();
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.reason()).isNull();
        time.runDue();
        assertThat(control.calls).isEqualTo(List.of("pause", "resume"));
        // Sending resumed: the queued calls went out.
        assertThat(client.calls().stream().map(FakeChatTransport.FakeCall::text)).contains("c3", "c4");
        List<Completion> afterProbe = drain(lane);
        assertThat(afterProbe).extracting(Completion::seq).containsExactly(0L);
        assertThat(afterProbe.get(0).error()).isNull();
    }

    @Test
    void aFailedProbeKeepsTheCircuitOpenAndProbesAgain() {
        start(EngineConfig.defaults().withMaxInFlight(4).withProbeInterval(Duration.ofMillis(20), Duration.ofMillis(40)));
        Lane lane = dispatcher.openLane("t");
        dispatcher.submit(call(lane, 0, "c0"));
        client.unanswered("model-x", "c0").fail(FakeChatTransport.httpError(Disposition.OPERATOR, 401));
        client.settle();
        time.advance(Duration.ofMillis(20));
        assertThat(client.requestCount()).isEqualTo(2);
        client.unanswered("model-x", "c0").fail(FakeChatTransport.httpError(Disposition.OPERATOR, 401));
        client.settle();
        assertThat(circuit.isOpen()).isTrue();
        // The next probe waits twice as long (40 ms, the maximum).
        time.advance(Duration.ofMillis(39));
        assertThat(client.requestCount()).isEqualTo(2);
        time.advance(Duration.ofMillis(1));
        assertThat(client.requestCount()).isEqualTo(3);
        client.unanswered("model-x", "c0").succeed("ok");
        client.settle();
        assertThat(circuit.isOpen()).isFalse();
        assertThat(drain(lane)).extracting(Completion::seq).containsExactly(0L);
        assertThat(stats.circuitOpens()).isEqualTo(1);
    }

    @Test
    void consecutiveOutageFailuresOpenTheCircuit() {
        start(config(16).withOutage(5, Duration.ZERO));
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 6; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
        }
        for (int s = 0; s < 4; s++) {
            client.unanswered("model-x", "c" + s).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        }
        client.settle();
        assertThat(circuit.isOpen()).isFalse();
        assertThat(drain(lane)).as("failures before the outage is declared go back to the processor to retry")
                .extracting(Completion::seq).containsExactly(0L, 1L, 2L, 3L);

        client.unanswered("model-x", "c4").fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        client.settle();
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.reason()).contains("5 calls in a row");
        assertThat(drain(lane)).as("the failure that opened it is held back, not delivered").isEmpty();
        assertThat(stats.heldBack()).isEqualTo(1);
        time.runDue();
        assertThat(control.calls).contains("pause");

        // A call already in flight that fails while open is held back too.
        client.unanswered("model-x", "c5").fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 502));
        client.settle();
        assertThat(drain(lane)).isEmpty();
        assertThat(stats.heldBack()).isEqualTo(2);
        assertThat(lane.waitingCalls()).extracting(Call::seq).containsExactly(5L, 4L);
    }

    @Test
    void failuresInARowDoNotOpenTheCircuitBeforeOutageAfterHasPassed() {
        start(config(16).withOutage(3, Duration.ofHours(1)));
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 10; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
            client.unanswered("model-x", "c" + s).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
            client.settle();
        }
        assertThat(circuit.isOpen()).isFalse();
        assertThat(drain(lane)).hasSize(10);
    }

    @Test
    void aRandomMixOfFailuresAndSuccessesDoesNotOpenTheCircuit() {
        start(config(8).withOutage(10, Duration.ZERO));
        Lane lane = dispatcher.openLane("t");
        Random random = new Random(11);
        int n = 500;
        for (int s = 0; s < n; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
        }
        int failed = 0;
        while (client.requestCount() < n || !client.unanswered().isEmpty()) {
            for (FakeChatTransport.FakeCall c : client.unanswered()) {
                if (random.nextDouble() < 0.3) {
                    failed++;
                    c.fail(FakeChatTransport.httpError(Disposition.TRANSIENT, random.nextBoolean() ? 503 : 500));
                } else {
                    c.succeed("ok");
                }
            }
            client.settle();
            assertThat(circuit.isOpen()).isFalse();
        }
        assertThat(failed).isBetween(100, 200);
        assertThat(stats.circuitOpens()).isZero();
        assertThat(drain(lane)).hasSize(n);
    }

    @Test
    void aRecordErrorIsDeliveredAndDoesNotTouchTheCircuit() {
        start(config(4).withOutage(1, Duration.ZERO));
        Lane lane = dispatcher.openLane("t");
        dispatcher.submit(call(lane, 0, "c0"));
        client.unanswered("model-x", "c0").fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        client.settle();
        assertThat(circuit.isOpen()).isFalse();
        List<Completion> done = drain(lane);
        assertThat(done).hasSize(1);
        assertThat(done.get(0).error().status()).isEqualTo(400);
    }

    @Test
    void pauseAndResumeRunOnTheCircuitsOwnThreadNeverOnTheCaller() {
        scheduler = Scheduler.singleThread("enricher-circuit");
        start(EngineConfig.defaults().withMaxInFlight(4).withProbeInterval(Duration.ofMillis(10), Duration.ofMillis(10)),
                Admission.Limits.fixed(4), Ticker.system());
        Lane lane = dispatcher.openLane("t");
        dispatcher.submit(call(lane, 0, "c0"));
        client.unanswered("model-x", "c0").fail(FakeChatTransport.httpError(Disposition.OPERATOR, 403));
        client.settle();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.requestCount() == 2);
        client.unanswered("model-x", "c0").succeed("ok");
        client.settle();
        await().atMost(Duration.ofSeconds(5)).until(() -> control.calls.equals(List.of("pause", "resume")));
        assertThat(control.threads).allSatisfy(t -> assertThat(t).isEqualTo("enricher-circuit"));
    }

    @Test
    void failuresInARowOpenTheCircuitOnlyOnceOutageAfterHasPassed() {
        start(config(16).withOutage(3, Duration.ofSeconds(5)));
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 5; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
        }
        for (int s = 0; s < 4; s++) {
            client.unanswered("model-x", "c" + s).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
            client.settle();
            time.advance(Duration.ofSeconds(1));
        }
        assertThat(circuit.isOpen()).as("4 failures in a row over 3 s").isFalse();
        time.advance(Duration.ofSeconds(2));
        client.unanswered("model-x", "c4").fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        client.settle();
        assertThat(circuit.isOpen()).as("the 5th, 6 s after the first").isTrue();
        assertThat(circuit.reason()).contains("5 calls in a row");
        assertThat(drain(lane)).extracting(Completion::seq).containsExactly(0L, 1L, 2L, 3L);
    }
}
