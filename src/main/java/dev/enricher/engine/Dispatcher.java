package dev.enricher.engine;

import dev.enricher.client.Admission;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatTransport;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the engine's calls through the instance's one {@link Admission} (the in-flight cap, the adaptive limit that
 * 429 storms lower, the rate limit, and the turns between stream tasks: each processor has a {@link Lane} there), and
 * routes every answer: to the processor that asked, or, when the {@link Circuit} says the API refuses us or is down,
 * back to the front of its lane, unanswered. Sends nothing while the circuit is open but the circuit's probes.
 *
 * <p>Thread-safe without locks of its own. Stream threads submit; a call's answer frees its slot on a transport
 * thread, which then sends the next waiting call itself: slots are refilled at once, not when a stream thread next
 * wakes. Only immutable {@link Call}s and {@link Completion}s cross threads; the stream thread alone touches stores.
 */
final class Dispatcher {
    private final ChatTransport transport;
    private final Clock clock;
    private final Ticker ticker;
    private final EngineStats stats;
    private final Circuit circuit;
    private final Admission<Call> admission;
    private final AtomicLong laneIds = new AtomicLong();
    private volatile CallObserver observer = CallObserver.NONE;

    /**
     * @param limits    the in-flight cap and what lowers it (adaptive limit, rate limit)
     * @param ticker    time for latencies and the admission's limits
     * @param scheduler runs the admission's rate-limit wake-ups
     */
    Dispatcher(ChatTransport transport, Admission.Limits limits, Clock clock, Ticker ticker, Scheduler scheduler,
               EngineStats stats, Circuit circuit) {
        this.transport = transport;
        this.clock = clock;
        this.ticker = ticker;
        this.stats = stats;
        this.circuit = circuit;
        this.admission = new Admission<>(limits, ticker, scheduler, () -> !circuit.isOpen(), this::send);
        stats.waitingForLimit(admission::waiting);
        circuit.prober(this::probe);
    }

    void observer(CallObserver o) {
        this.observer = o;
    }

    Lane openLane(String task) {
        return new Lane(admission.openLane(task + "#" + laneIds.incrementAndGet()));
    }

    /** Any thread: queues a call on its lane and sends what the admission allows. */
    void submit(Call call) {
        call.lane().calls.submit(call);
        admission.pump();
    }

    /** The current in-flight ceiling: lowered on overload (many 429s) when adaptive, never above the cap. */
    int concurrencyLimit() {
        return admission.limit();
    }

    /** The admission's starter: one attempt of {@code c}. */
    private void send(Call c, Admission<Call>.Permit permit) {
        stats.callStarted();
        long sentAt = clock.millis();
        long sentNanos = ticker.read();
        try {
            transport.send(c.request()).whenComplete((completion, error) ->
                    ended(c, permit, sentAt, sentNanos, completion, error));
        } catch (RuntimeException e) {
            ended(c, permit, sentAt, sentNanos, null, e);
        }
    }

    private void ended(Call c, Admission<Call>.Permit permit, long sentAt, long sentNanos, ChatCompletion completion,
                       Throwable error) {
        stats.callEnded();
        boolean probe = permit.probe();
        ZeroGpuException failure = error == null ? null : asApiError(error);
        observe(c, sentNanos, completion, failure);
        if (failure == null) {
            circuit.success();
            if (probe) {
                circuit.close("a probe call succeeded");
            }
            deliver(c, new Completion(c.seq(), c.taskIndex(), c.piece(), completion, null, sentAt, clock.millis()));
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
            deliver(c, new Completion(c.seq(), c.taskIndex(), c.piece(), null, failure, sentAt, clock.millis()));
        }
        // Last: the circuit has had its say before the freed slot admits the next call.
        permit.release(Admission.Signal.of(failure));
    }

    private void observe(Call c, long sentNanos, ChatCompletion completion, ZeroGpuException failure) {
        Duration latency = Duration.ofNanos(ticker.read() - sentNanos);
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
        c.lane().calls.submitFirst(c); // dropped if the lane closed meanwhile
        if (probe) {
            circuit.probeFailed(failure);
        }
    }

    /** Circuit's thread, while open: sends one waiting call as a probe; closes the circuit when there is none. */
    private void probe() {
        switch (admission.probe()) {
            case SENT -> { }
            case NO_SLOT -> circuit.probeDeferred();
            case NOTHING_WAITING -> {
                circuit.close("nothing was waiting to be sent");
                admission.pump();
            }
        }
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
