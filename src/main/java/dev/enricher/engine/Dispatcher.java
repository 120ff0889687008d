package dev.enricher.engine;

import dev.enricher.client.Admission;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatTransport;
import dev.enricher.client.Disposition;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.FailureKind;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.results.Answer;
import dev.enricher.results.CallKey;
import dev.enricher.results.CallResults;
import dev.enricher.tasks.TokenEstimate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the engine's calls through the instance's one {@link Admission} (the in-flight cap, the adaptive limit that
 * 429 storms lower, the rate limit, and the turns between stream tasks: each processor has a {@link Lane} there), and
 * routes every answer: to the processor that asked, or, when the {@link Circuit} says the API refuses us or is down,
 * back to the front of its lane, unanswered. Sends nothing while the circuit is open but the circuit's probes.
 *
 * <p>Never pays twice for one question: a call whose {@link CallKey} has a stored answer ({@link CallResults}) is
 * answered from it without going out, looked up when it is submitted and again when its slot comes; a call identical
 * to one on the wire waits for that one's answer (coalescing) instead of being sent. A successful answer is kept in the
 * local store at once, so a repeated text a moment later finds it; the processor records it durably (or, refusing it,
 * takes it back through {@link #refused}).
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
    private volatile CallResults results;
    private volatile SpendBudget budget;
    private volatile ModelCatalog prices = ModelCatalog.defaults();
    /**
     * The calls on the wire by content key, each with the identical calls waiting for its answer. A waiter is added
     * only inside {@code computeIfPresent} and the list is read only after {@code remove}, both under the map's lock
     * of that key: a waiter is never added to a list its leader has already taken.
     */
    private final ConcurrentHashMap<CallKey, List<Call>> onTheWire = new ConcurrentHashMap<>();

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
        this.admission = new Admission<>(limits, ticker, scheduler, () -> !circuit.isOpen(), this::send,
                c -> TokenEstimate.of(c.request()));
        stats.waitingForLimit(admission::waiting);
        circuit.prober(this::probe);
        // A circuit a budget opened closes with no answer to send the next call: the calls held meanwhile go now.
        circuit.afterClose(admission::pump);
    }

    void observer(CallObserver o) {
        this.observer = o;
    }

    /** Set before start: where answers are looked up and kept; null (the default) makes every call. */
    void results(CallResults r) {
        this.results = r;
    }

    CallResults results() {
        return results;
    }

    /** Set before start: what this instance may spend, at {@code catalog}'s prices; null for no budget. */
    void budget(SpendBudget b, ModelCatalog catalog) {
        this.prices = catalog;
        this.budget = b;
    }

    SpendBudget budget() {
        return budget;
    }

    /** Stream thread: the task refused the answer stored under {@code key}; it must not serve another event. */
    void refused(CallKey key) {
        CallResults r = results;
        if (r != null && key != null) {
            r.invalidate(key);
        }
    }

    Lane openLane(String task) {
        return new Lane(admission.openLane(task + "#" + laneIds.incrementAndGet()));
    }

    /**
     * Any thread: answers the call from the stored answers when one is there; otherwise queues it on its lane and sends
     * what the admission allows.
     */
    void submit(Call call) {
        if (answeredFromStore(call)) {
            return;
        }
        call.lane().calls.submit(call);
        admission.pump();
    }

    /** Delivers the stored answer of {@code c}'s question, if there is one. */
    private boolean answeredFromStore(Call c) {
        CallResults r = results;
        if (r == null || c.key() == null) {
            return false;
        }
        Answer a = r.find(c.key());
        if (a == null) {
            return false;
        }
        saved(c, a.completion());
        return true;
    }

    /** {@code c} is answered by {@code completion}, paid for by another call. */
    private void saved(Call c, ChatCompletion completion) {
        stats.callSaved();
        long now = clock.millis();
        deliver(c, new Completion(c.seq(), c.taskIndex(), c.piece(), completion, null, now, now, c.key(), null, true));
        if (c.trace() != null) {
            c.trace().answered(completion, 0, true);
        }
        try {
            observer.callSaved(c.request().model(), c.task(), completion.usage());
        } catch (RuntimeException e) {
            // Metrics must never break the data path.
        }
    }

    /** The current in-flight ceiling: lowered on overload (many 429s) when adaptive, never above the cap. */
    int concurrencyLimit() {
        return admission.limit();
    }

    /** The admission's starter: one attempt of {@code c}. */
    private void send(Call c, Admission<Call>.Permit permit) {
        if (c.key() != null && results != null && !permit.probe()) {
            if (answeredFromStore(c) || joinedIdenticalCall(c)) {
                // Nothing went out: no evidence for the limits, and no tokens used.
                permit.release(Admission.Signal.IGNORED, 0);
                return;
            }
        }
        stats.callStarted();
        long sentAt = clock.millis();
        long sentNanos = ticker.read();
        String traceparent = c.trace() == null ? null : c.trace().sending();
        try {
            transport.send(c.request(), c.body(), traceparent).whenComplete((completion, error) ->
                    ended(c, permit, sentAt, sentNanos, completion, error));
        } catch (RuntimeException e) {
            ended(c, permit, sentAt, sentNanos, null, e);
        }
    }

    /**
     * Whether {@code c} now waits for an identical call on the wire; if not, {@code c} is on the wire itself from now
     * on, as the one the identical calls to come wait for.
     */
    private boolean joinedIdenticalCall(Call c) {
        while (true) {
            if (onTheWire.computeIfPresent(c.key(), (k, waiting) -> {
                waiting.add(c);
                return waiting;
            }) != null) {
                return true;
            }
            if (onTheWire.putIfAbsent(c.key(), new ArrayList<>(2)) == null) {
                return false;
            }
        }
    }

    /**
     * The calls that waited for {@code c}'s answer, no longer waiting for it. Empty when none did, or when {@code c} was
     * not on the wire as a leader (a probe, or results not kept).
     */
    private List<Call> waitingFor(Call c) {
        if (c.key() == null) {
            return List.of();
        }
        List<Call> waiting = onTheWire.remove(c.key());
        return waiting == null ? List.of() : waiting;
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
            answered(c, completion, sentAt, probe);
        } else {
            failed(c, failure, sentAt, probe);
        }
        // Last: the circuit has had its say before the freed slot admits the next call. The tokens the answer used
        // correct the rate limit's estimate; an HTTP error used none, a call with no HTTP answer is not known.
        long used;
        if (failure == null) {
            used = completion.usage() == Usage.NONE ? -1 : completion.usage().totalTokens();
        } else {
            used = failure.status() > 0 ? 0 : -1;
        }
        permit.release(Admission.Signal.of(failure), used);
    }

    /** Delivers {@code c}'s answer, kept first under its key, then to the identical calls that waited for it. */
    private void answered(Call c, ChatCompletion completion, long sentAt, boolean probe) {
        long now = clock.millis();
        double cost = spent(c, completion, now);
        if (c.trace() != null) {
            c.trace().answered(completion, cost, false);
        }
        Answer answer = null;
        CallResults r = results;
        if (r != null && c.key() != null) {
            answer = new Answer(c.task(), c.request().model(), completion, now);
            // Kept before the waiters are taken: an identical call from now on finds the answer or joins them.
            r.put(c.key(), answer);
        }
        deliver(c, new Completion(c.seq(), c.taskIndex(), c.piece(), completion, null, sentAt, now, c.key(), answer,
                false));
        if (!probe) {
            for (Call w : waitingFor(c)) {
                saved(w, completion);
            }
        }
    }

    /**
     * Counts what an answer cost against the budget; a spent budget opens the circuit until its window ends.
     *
     * @return the answer's cost in USD when a budget or a trace asked for it and the model has a price; else -1
     */
    private double spent(Call c, ChatCompletion completion, long now) {
        SpendBudget b = budget;
        if ((b == null && c.trace() == null) || completion.usage() == Usage.NONE) {
            return -1;
        }
        double cost = prices.find(c.request().model()).map(spec -> spec.costUsd(completion.usage())).orElse(-1.0);
        if (b != null) {
            if (cost >= 0) {
                b.record(cost, now);
            }
            if (b.exhaustedUntil(now) >= 0) {
                circuit.openForBudget(b, clock);
            }
        }
        return cost;
    }

    /**
     * Routes a failure: held back while the circuit is (or now goes) open, else delivered as an attempt of {@code c}.
     * The identical calls that waited for {@code c} go out on their own (or wait for a new leader among them).
     */
    private void failed(Call c, ZeroGpuException failure, long sentAt, boolean probe) {
        List<Call> waiting = probe ? List.of() : waitingFor(c);
        if (failure.disposition() == Disposition.OPERATOR) {
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
            if (c.trace() != null) {
                c.trace().failed(failure, false);
            }
            deliver(c, new Completion(c.seq(), c.taskIndex(), c.piece(), null, failure, sentAt, clock.millis()));
        }
        for (Call w : waiting) {
            w.lane().calls.submitFirst(w);
        }
    }

    private void observe(Call c, long sentNanos, ChatCompletion completion, ZeroGpuException failure) {
        Duration latency = Duration.ofNanos(ticker.read() - sentNanos);
        try {
            if (failure == null) {
                observer.callEnded(c.request().model(), c.task(), CallObserver.SUCCESS, 200, latency,
                        completion.usage());
            } else {
                String outcome = failure.disposition() == Disposition.RECORD ? CallObserver.RECORD_ERROR
                        : failure.disposition() == Disposition.OPERATOR ? CallObserver.OPERATOR_ERROR
                        : CallObserver.TRANSIENT_ERROR;
                observer.callEnded(c.request().model(), c.task(), outcome, failure.status(), latency, Usage.NONE);
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
        if (c.trace() != null) {
            c.trace().failed(failure, true);
        }
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
