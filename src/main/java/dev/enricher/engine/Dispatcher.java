package dev.enricher.engine;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.client.Usage;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends calls within the instance-wide in-flight cap, fairly between stream tasks: each processor has a
 * {@link Lane}, and the dispatcher takes one call from each lane with work in turn (round robin).
 *
 * <p>Thread-safe without locks. Stream threads submit; a call's answer frees its slot on a client thread, which then
 * sends the next waiting call itself: slots are refilled at once, not when a stream thread next wakes. Only
 * immutable {@link Call}s and {@link Completion}s cross threads; the stream thread alone touches stores.
 */
final class Dispatcher {
    private final ZeroGpuClient client;
    private final Clock clock;
    private final EngineStats stats;
    private final Circuit circuit;
    private final AtomicInteger freeSlots;
    private final ConcurrentLinkedQueue<Lane> ring = new ConcurrentLinkedQueue<>();
    private final AtomicLong laneIds = new AtomicLong();
    private volatile CallObserver observer = CallObserver.NONE;

    Dispatcher(ZeroGpuClient client, int maxInFlight, Clock clock, EngineStats stats, Circuit circuit) {
        this.client = client;
        this.clock = clock;
        this.stats = stats;
        this.circuit = circuit;
        this.freeSlots = new AtomicInteger(maxInFlight);
        circuit.prober(this::probe);
    }

    void observer(CallObserver o) {
        this.observer = o;
    }

    Lane openLane(String task) {
        return new Lane(task + "#" + laneIds.incrementAndGet());
    }

    /** Any thread: queues a call on its lane and sends what the cap allows. */
    void submit(Call call) {
        call.lane().calls.addLast(call);
        schedule(call.lane());
        pump();
    }

    private void schedule(Lane lane) {
        if (lane.scheduled.compareAndSet(false, true)) {
            ring.offer(lane);
        }
    }

    /** Sends waiting calls while there are free slots and the circuit is closed. */
    void pump() {
        while (!circuit.isOpen() && !ring.isEmpty()) {
            if (!tryAcquire()) {
                return;
            }
            Call c = next();
            if (c == null) {
                freeSlots.incrementAndGet();
                continue;
            }
            send(c, false);
        }
    }

    /** The next call, one lane after another; null when no lane has one. */
    private Call next() {
        Lane lane;
        while ((lane = ring.poll()) != null) {
            Call c = lane.isClosed() ? null : lane.calls.pollFirst();
            if (c != null) {
                ring.offer(lane);
                return c;
            }
            lane.scheduled.set(false);
            if (!lane.isClosed() && !lane.calls.isEmpty()) {
                schedule(lane);
            }
        }
        return null;
    }

    private boolean tryAcquire() {
        while (true) {
            int free = freeSlots.get();
            if (free <= 0) {
                return false;
            }
            if (freeSlots.compareAndSet(free, free - 1)) {
                return true;
            }
        }
    }

    private void send(Call c, boolean probe) {
        stats.callStarted();
        long sentAt = clock.millis();
        long sentNanos = System.nanoTime();
        try {
            client.complete(c.request()).whenComplete((completion, error) ->
                    ended(c, probe, sentAt, sentNanos, completion, error));
        } catch (RuntimeException e) {
            ended(c, probe, sentAt, sentNanos, null, e);
        }
    }

    private void ended(Call c, boolean probe, long sentAt, long sentNanos, ChatCompletion completion,
                       Throwable error) {
        stats.callEnded();
        freeSlots.incrementAndGet();
        ZeroGpuException failure = error == null ? null : asApiError(error);
        observe(c, sentNanos, completion, failure);
        if (failure == null) {
            circuit.success();
            if (probe) {
                circuit.close("a probe call succeeded");
            }
            deliver(c, new Completion(c.seq(), c.taskIndex(), completion, null, sentAt, clock.millis()));
        } else if (failure.disposition() == Disposition.OPERATOR) {
            circuit.open("the API refused the service itself (" + failure.getMessage()
                    + "); fix the API key, project or quota");
            holdBack(c, probe, failure);
        } else if (Circuit.outageLike(failure) && (probe || circuit.outageFailure(failure))) {
            holdBack(c, probe, failure);
        } else {
            if (probe) {
                // The API answered (for example 400 for this record): it is up.
                circuit.close("a probe call got an answer");
            }
            deliver(c, new Completion(c.seq(), c.taskIndex(), null, failure, sentAt, clock.millis()));
        }
        pump();
    }

    private void observe(Call c, long sentNanos, ChatCompletion completion, ZeroGpuException failure) {
        Duration latency = Duration.ofNanos(System.nanoTime() - sentNanos);
        try {
            if (failure == null) {
                observer.callEnded(c.request().model(), CallObserver.SUCCESS, 200, latency, completion.usage());
            } else {
                String outcome = failure.disposition() == Disposition.RECORD ? CallObserver.RECORD_ERROR
                        : failure.disposition() == Disposition.OPERATOR ? CallObserver.OPERATOR_ERROR
                        : CallObserver.TRANSIENT_ERROR;
                observer.callEnded(c.request().model(), outcome, failure.status(), latency, Usage.NONE);
            }
        } catch (RuntimeException e) {
            // Metrics must never break the data path.
        }
    }

    private void deliver(Call c, Completion done) {
        if (!c.lane().deliver(done)) {
            stats.staleCompletion();
        }
    }

    /** Puts a call back at the front of its lane, unanswered: it does not count as an attempt. */
    private void holdBack(Call c, boolean probe, ZeroGpuException failure) {
        stats.heldBackOne();
        if (!c.lane().isClosed()) {
            c.lane().calls.addFirst(c);
            schedule(c.lane());
        }
        if (probe) {
            circuit.probeFailed(failure);
        }
    }

    /** Circuit thread, while open: sends one waiting call as a probe; closes the circuit when there is none. */
    private void probe() {
        if (!tryAcquire()) {
            circuit.probeDeferred();
            return;
        }
        Call c = next();
        if (c == null) {
            freeSlots.incrementAndGet();
            circuit.close("nothing was waiting to be sent");
            pump();
            return;
        }
        send(c, true);
    }

    private static ZeroGpuException asApiError(Throwable t) {
        Throwable e = t;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ZeroGpuException) {
            return (ZeroGpuException) e;
        }
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.CONNECTION_LOST)
                .message("the client failed unexpectedly: " + e.getClass().getName()).build();
    }
}
