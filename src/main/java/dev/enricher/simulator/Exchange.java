package dev.enricher.simulator;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One chat-completions request from arrival to its end: a response sent, a deliberate reset, or the
 * connection dying. Ends exactly once (the first of those wins), which keeps {@code inFlight} exact.
 * Created and mostly used on the request's event loop; {@link #end} may race with the close handler, hence
 * the atomic flag.
 */
final class Exchange {
    private final HttpServerRequest request;
    private final SimulatorState state;
    final Context context;
    final String requestId;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long holdTimer = -1;

    /** When the request arrived ({@link System#nanoTime()}): its latency counts from here. */
    final long arrivedNanos = System.nanoTime();

    Exchange(HttpServerRequest request, Context context, SimulatorState state, String requestId) {
        this.request = request;
        this.context = context;
        this.state = state;
        this.requestId = requestId;
        state.stats.arrived();
        request.response().closeHandler(v -> connectionClosed());
    }

    boolean ended() {
        return ended.get();
    }

    void error(ApiError e) {
        error(e, null);
    }

    void error(ApiError e, String retryAfter) {
        MultiMap h = null;
        if (retryAfter != null) {
            h = MultiMap.caseInsensitiveMultiMap().add("retry-after", retryAfter);
        }
        send(e.status(), Buffer.buffer(Json.bytes(Json.errorBody(e))), h);
    }

    void send(int status, Buffer body, MultiMap headers) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        state.stats.status(status);
        state.stats.departed();
        HttpServerResponse r = request.response();
        if (r.closed() || r.ended()) {
            return;
        }
        r.setStatusCode(status).putHeader("content-type", "application/json");
        if (headers != null) {
            r.headers().addAll(headers);
        }
        r.end(body);
    }

    /** Drops the connection with a TCP reset (the stream, over HTTP/2): the client gets no answer at all. */
    void reset() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        state.stats.reset();
        state.stats.departed();
        ConnectionReset.reset(request);
    }

    /** Never answers; the connection is closed after the configured bound (or on server close). */
    void hold() {
        state.stats.timeout();
        state.stats.heldChanged(1);
        state.held.add(this);
        holdTimer = context.owner().setTimer(state.config.holdLimit().toMillis(), t -> abandon());
        if (ended()) { // the client hung up before we registered
            release();
        }
    }

    /** Closes a held request's connection (its stream, over HTTP/2); the close handler does the bookkeeping. */
    void abandon() {
        ConnectionReset.close(request);
        if (ended.compareAndSet(false, true)) { // close handler may never come if already closed
            state.stats.departed();
        }
        release();
    }

    private void connectionClosed() {
        if (ended.compareAndSet(false, true)) {
            state.stats.departed();
        }
        release();
    }

    private void release() {
        if (state.held.remove(this)) {
            state.stats.heldChanged(-1);
            long t = holdTimer;
            if (t >= 0) {
                context.owner().cancelTimer(t);
            }
        }
    }
}
