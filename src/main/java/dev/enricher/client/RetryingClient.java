package dev.enricher.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ZeroGpuClient} for use on its own: a {@link ChatTransport}, one {@link Admission} lane (the in-flight cap,
 * the adaptive limit and the rate limit live there), and retries of TRANSIENT failures kept in memory: this class is
 * the only one that retries a standalone call. A retry waits its backoff on the transport's timers, then goes ahead
 * of calls not yet sent, and counts against the cap like any attempt.
 *
 * <p>Every call ends exactly once: with a completion, with the final error, or with REJECTED on close. Thread-safe;
 * the state of calls between attempts is guarded by {@code this}, and no I/O happens under it.
 */
final class RetryingClient implements ZeroGpuClient {
    private static final Logger log = LoggerFactory.getLogger(RetryingClient.class);

    private final ClientConfig config;
    private final ChatTransport transport;
    private final Scheduler timers;
    private final Admission<Call> admission;
    private final Admission<Call>.Lane lane;

    // Guarded by this.
    private final Set<Call> backingOff = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Call> onTheWire = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private final LongAdder calls = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();

    RetryingClient(ClientConfig config, ChatTransport transport, Scheduler timers) {
        this.config = config;
        this.transport = transport;
        this.timers = timers;
        Ticker ticker = config.nanoTime()::getAsLong;
        this.admission = new Admission<>(config.limits(), ticker, timers, () -> true, this::send);
        this.lane = admission.openLane("client");
    }

    static ZeroGpuClient create(ClientConfig config) {
        VertxTransport transport = VertxTransport.create(config);
        return new RetryingClient(config, transport, transport.timers());
    }

    @Override
    public CompletionStage<ChatCompletion> complete(ChatRequest request) {
        Call call = new Call(request, config.nanoTime().getAsLong());
        calls.increment();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(rejected(call, "client is closed"));
            }
            lane.submit(call);
        }
        admission.pump();
        return call.future;
    }

    /** Admission's starter: one attempt of {@code call}. */
    private void send(Call call, Admission<Call>.Permit permit) {
        synchronized (this) {
            if (!closed) {
                call.attempts++;
                onTheWire.add(call);
            }
        }
        if (call.isEnded()) {
            permit.release(Admission.Signal.IGNORED); // close() already ended it
            return;
        }
        // Closed after the admission handed the call over but before close() saw it: the closed transport fails it
        // at once, and answered() ends it as REJECTED, so it still ends exactly once.
        attempts.increment();
        if (call.attempts > 1) {
            retries.increment();
        }
        transport.send(call.request).whenComplete((completion, error) ->
                answered(call, permit, completion, error == null ? null : asApiError(error)));
    }

    private void answered(Call call, Admission<Call>.Permit permit, ChatCompletion completion,
                          ZeroGpuException error) {
        Admission.Signal signal = Admission.Signal.of(error);
        if (signal == Admission.Signal.RATE_LIMITED) {
            rateLimited.increment();
        }
        boolean retry = false;
        Duration delay = Duration.ZERO;
        boolean isClosed;
        synchronized (this) {
            onTheWire.remove(call);
            isClosed = closed;
            if (!isClosed && error != null && error.disposition() == Disposition.TRANSIENT) {
                delay = config.retry().delay(call.attempts, error.retryAfter(), config.random());
                Duration elapsed = Duration.ofNanos(config.nanoTime().getAsLong() - call.firstNanos);
                retry = config.retry().mayRetry(call.attempts, elapsed, delay);
                if (retry) {
                    backingOff.add(call);
                }
            }
        }
        // Before the future completes, so whoever joins it sees the slot free in inFlight().
        permit.release(signal);
        if (completion != null) {
            // Counted before the future completes, so whoever joins the future sees the call in stats().
            if (call.end()) {
                succeeded.increment();
                call.future.complete(completion.withAttempts(call.attempts, completion.latency()));
            }
        } else if (isClosed) {
            finish(call, rejected(call, "client closed while the call was in flight"));
        } else if (retry) {
            if (log.isDebugEnabled()) {
                log.debug("attempt {} of {} failed, retrying in {} ms: {}", call.attempts, call.request.model(),
                        delay.toMillis(), error.getMessage());
            }
            timers.schedule(() -> retryNow(call), delay);
        } else {
            finish(call, error.withAttempts(call.attempts));
        }
    }

    private void retryNow(Call call) {
        synchronized (this) {
            if (!backingOff.remove(call)) {
                return; // close() already ended it
            }
            lane.submitFirst(call);
        }
        admission.pump();
    }

    /** Ends a call with an error; the first ending wins (close() may race with an answer). */
    private void finish(Call call, ZeroGpuException error) {
        if (call.end()) {
            failed.increment();
            call.future.completeExceptionally(error);
            if (log.isDebugEnabled()) {
                log.debug("call to {} failed for good: {}", call.request.model(), error.getMessage());
            }
        }
    }

    private static ZeroGpuException asApiError(Throwable t) {
        Throwable e = t;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ZeroGpuException z) {
            return z;
        }
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.CONNECTION_LOST)
                .message("the transport failed unexpectedly: " + e.getClass().getName()).build();
    }

    private ZeroGpuException rejected(Call call, String why) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.REJECTED)
                .model(call.request.model()).attempts(call.attempts).message(why).build();
    }

    @Override
    public int inFlight() {
        return admission.inFlight();
    }

    @Override
    public synchronized int waiting() {
        return lane.waiting().size() + backingOff.size();
    }

    @Override
    public int concurrencyLimit() {
        return admission.limit();
    }

    @Override
    public ClientStats stats() {
        return new ClientStats(calls.sum(), attempts.sum(), retries.sum(), succeeded.sum(), failed.sum(),
                rateLimited.sum(), transport.connectionsOpened());
    }

    @Override
    public void close() {
        List<Call> abandoned = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            abandoned.addAll(lane.close());
            abandoned.addAll(backingOff);
            abandoned.addAll(onTheWire);
            backingOff.clear();
        }
        for (Call call : abandoned) {
            finish(call, rejected(call, "client closed before the call could be sent"));
        }
        // Calls on the wire were failed above; their answers, if any still come, lose the race.
        transport.close();
    }

    @Override
    public String toString() {
        return "ZeroGpuClient[" + config + "]";
    }

    /** One call across its attempts. {@code attempts} is touched by one thread at a time (handed over through the lock). */
    private static final class Call {
        private static final AtomicIntegerFieldUpdater<Call> ENDED =
                AtomicIntegerFieldUpdater.newUpdater(Call.class, "ended");

        final ChatRequest request;
        final long firstNanos;
        final CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
        int attempts;
        private volatile int ended;

        Call(ChatRequest request, long firstNanos) {
            this.request = request;
            this.firstNanos = firstNanos;
        }

        /** True for the first caller only: the call ends once, with its counter updated before its future. */
        boolean end() {
            return ENDED.compareAndSet(this, 0, 1);
        }

        boolean isEnded() {
            return ended != 0;
        }
    }
}
