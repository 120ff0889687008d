package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.ChatRequest;
import dev.enricher.client.Disposition;
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

/** The shared dispatcher against a fake client: the in-flight cap, fairness between lanes, closed lanes, the circuit. */
class DispatcherTest {
    private final FakeZeroGpuClient client = new FakeZeroGpuClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final EngineStats stats = new EngineStats();
    private final RecordingControl control = new RecordingControl();
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
        circuit = new Circuit(config, stats);
        circuit.control(control);
        dispatcher = new Dispatcher(client, config.maxInFlight(), clock, stats, circuit);
    }

    private static EngineConfig config(int maxInFlight) {
        return EngineConfig.defaults().withMaxInFlight(maxInFlight)
                .withProbeInterval(Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        if (circuit != null) {
            circuit.close();
        }
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
            List<FakeZeroGpuClient.FakeCall> out = new ArrayList<>(client.unanswered());
            assertThat(out.size()).isLessThanOrEqualTo(cap);
            Collections.shuffle(out, random);
            for (FakeZeroGpuClient.FakeCall c : out) {
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
        List<String> sent = client.calls().stream().map(FakeZeroGpuClient.FakeCall::text).toList();
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
    void aClosedLaneLosesItsQueuedCallsAndItsLateAnswersAreStale() {
        start(config(2));
        Lane closing = dispatcher.openLane("closing");
        Lane other = dispatcher.openLane("other");
        for (int s = 0; s < 5; s++) {
            dispatcher.submit(call(closing, s, "closing-" + s));
        }
        assertThat(client.requestCount()).isEqualTo(2);
        closing.close();
        for (FakeZeroGpuClient.FakeCall c : client.unanswered()) {
            c.succeed("late");
        }
        client.settle();
        assertThat(stats.staleCompletions()).isEqualTo(2);
        assertThat(drain(closing)).isEmpty();
        assertThat(client.requestCount()).as("the closed lane's queued calls are never sent").isEqualTo(2);
        dispatcher.submit(call(other, 0, "other-0"));
        assertThat(client.calls().stream().map(FakeZeroGpuClient.FakeCall::text)).contains("other-0");
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

        client.unanswered("model-x", "c0").fail(FakeZeroGpuClient.httpError(Disposition.OPERATOR, 403));
        client.settle();
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.reason()).contains("403");
        assertThat(stats.circuitOpens()).isEqualTo(1);
        assertThat(stats.heldBack()).isEqualTo(1);
        assertThat(drain(lane)).as("an OPERATOR error is never delivered").isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> control.calls.contains("pause"));

        // Calls already out still answer; nothing new goes out while open.
        client.unanswered("model-x", "c1").succeed("ok");
        dispatcher.submit(call(lane, 3, "c3"));
        dispatcher.submit(call(lane, 4, "c4"));
        client.settle();
        List<Completion> delivered = drain(lane);
        assertThat(delivered).extracting(Completion::seq).containsExactly(1L);

        // The probe re-sends the held-back call, alone.
        await().atMost(Duration.ofSeconds(5)).until(() -> client.requestCount() == 4);
        assertThat(client.calls().get(3).text()).isEqualTo("c0");
        assertThat(circuit.isOpen()).isTrue();
        assertThat(client.unanswered()).extracting(FakeZeroGpuClient.FakeCall::text).containsExactlyInAnyOrder("c2", "c0");

        client.unanswered("model-x", "c0").succeed("ok");
        client.settle();
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.reason()).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> control.calls.equals(List.of("pause", "resume")));
        assertThat(control.threads).allSatisfy(t -> assertThat(t).isEqualTo("enricher-circuit"));
        // Sending resumed: the queued calls went out.
        assertThat(client.calls().stream().map(FakeZeroGpuClient.FakeCall::text)).contains("c3", "c4");
        List<Completion> afterProbe = drain(lane);
        assertThat(afterProbe).extracting(Completion::seq).containsExactly(0L);
        assertThat(afterProbe.get(0).error()).isNull();
    }

    @Test
    void aFailedProbeKeepsTheCircuitOpenAndProbesAgain() {
        start(EngineConfig.defaults().withMaxInFlight(4).withProbeInterval(Duration.ofMillis(20), Duration.ofMillis(40)));
        Lane lane = dispatcher.openLane("t");
        dispatcher.submit(call(lane, 0, "c0"));
        client.unanswered("model-x", "c0").fail(FakeZeroGpuClient.httpError(Disposition.OPERATOR, 401));
        client.settle();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.requestCount() == 2);
        client.unanswered("model-x", "c0").fail(FakeZeroGpuClient.httpError(Disposition.OPERATOR, 401));
        client.settle();
        assertThat(circuit.isOpen()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.requestCount() == 3);
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
            client.unanswered("model-x", "c" + s).fail(FakeZeroGpuClient.httpError(Disposition.TRANSIENT, 503));
        }
        client.settle();
        assertThat(circuit.isOpen()).isFalse();
        assertThat(drain(lane)).as("failures before the outage is declared go back to the processor to retry")
                .extracting(Completion::seq).containsExactly(0L, 1L, 2L, 3L);

        client.unanswered("model-x", "c4").fail(FakeZeroGpuClient.httpError(Disposition.TRANSIENT, 503));
        client.settle();
        assertThat(circuit.isOpen()).isTrue();
        assertThat(circuit.reason()).contains("5 calls in a row");
        assertThat(drain(lane)).as("the failure that opened it is held back, not delivered").isEmpty();
        assertThat(stats.heldBack()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> control.calls.contains("pause"));

        // A call already in flight that fails while open is held back too.
        client.unanswered("model-x", "c5").fail(FakeZeroGpuClient.httpError(Disposition.TRANSIENT, 502));
        client.settle();
        assertThat(drain(lane)).isEmpty();
        assertThat(stats.heldBack()).isEqualTo(2);
        assertThat(lane.calls).extracting(Call::seq).containsExactly(5L, 4L);
    }

    @Test
    void failuresInARowDoNotOpenTheCircuitBeforeOutageAfterHasPassed() {
        start(config(16).withOutage(3, Duration.ofHours(1)));
        Lane lane = dispatcher.openLane("t");
        for (int s = 0; s < 10; s++) {
            dispatcher.submit(call(lane, s, "c" + s));
            client.unanswered("model-x", "c" + s).fail(FakeZeroGpuClient.httpError(Disposition.TRANSIENT, 503));
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
            for (FakeZeroGpuClient.FakeCall c : client.unanswered()) {
                if (random.nextDouble() < 0.3) {
                    failed++;
                    c.fail(FakeZeroGpuClient.httpError(Disposition.TRANSIENT, random.nextBoolean() ? 503 : 500));
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
        client.unanswered("model-x", "c0").fail(FakeZeroGpuClient.httpError(Disposition.RECORD, 400));
        client.settle();
        assertThat(circuit.isOpen()).isFalse();
        List<Completion> done = drain(lane);
        assertThat(done).hasSize(1);
        assertThat(done.get(0).error().status()).isEqualTo(400);
    }
}
