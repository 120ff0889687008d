package dev.enricher.simulator;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions}. Runs on an event loop and never blocks: checks in the order a real gateway
 * applies them (outage, authentication, quota, rate limits, injected faults, body validation, model and input
 * limit), generates the answer at once (microseconds), then waits for a concurrency permit and the sampled
 * service time on a timer before sending it.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChatCompletionsHandler.class);
    private static final CharSequence X_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");
    private final SimulatorState state;
    private final SimulatorConfig config;
    private final String authHeader;
    private final String schemePrefix;

    ChatCompletionsHandler(SimulatorState state) {
        this.state = state;
        this.config = state.config;
        this.authHeader = config.authHeader();
        this.schemePrefix = config.authScheme() == null ? null : config.authScheme() + " ";
    }

    @Override
    public void handle(RoutingContext ctx) {
        handle(ctx.request(), ctx.body().buffer(), ctx.vertx().getOrCreateContext());
    }

    /**
     * The request with its whole body ({@code null} for none), on the event loop of {@code context}. Called by the
     * router above, and directly by {@link SimulatorVerticle}'s fast path, which skips the router and BodyHandler.
     */
    void handle(HttpServerRequest req, Buffer bodyBuffer, Context context) {
        String requestId = Envelope.requestId();
        req.response().putHeader(X_REQUEST_ID, requestId);
        byte[] body = bodyBuffer == null ? new byte[0] : bodyBuffer.getBytes();
        String bodyText = new String(body, StandardCharsets.UTF_8);
        record(req, bodyText);
        Exchange ex = new Exchange(req, context, state, requestId);
        FaultSettings f = state.faults();
        if (f.outage()) {
            ex.error(ApiError.outage(), "30");
            return;
        }
        ApiError authError = authenticate(req);
        if (authError != null) {
            ex.error(authError);
            return;
        }
        if (f.quotaExhausted()) {
            ex.error(ApiError.quota(f.quotaStatus()));
            return;
        }
        if (!state.bucket.tryAcquire(f.requestsPerSecond())) {
            ex.error(ApiError.rateLimited(), "1");
            return;
        }
        FaultInjector.Draw draw = state.injector.draw(f);
        if (draw.fault() == FaultInjector.Fault.RATE_LIMIT) {
            ex.error(ApiError.rateLimited(), Integer.toString(f.retryAfterSeconds()));
            return;
        }
        AnswerCache.Prepared prepared = state.answerCache.get(bodyText);
        if (prepared == null) {
            try {
                prepared = prepare(body);
            } catch (ApiException e) {
                ex.error(e.error());
                return;
            } catch (RuntimeException bug) {
                // A generator bug must still end the exchange (inFlight exact) and say 500, like a real server.
                LOG.error("answer generation failed, request {}", requestId, bug);
                ex.error(ApiError.server(500));
                return;
            }
            state.answerCache.put(bodyText, prepared);
        }
        Buffer answer = Envelope.withIdentity(prepared.tail());
        String model = prepared.model();
        if (draw.fault() == FaultInjector.Fault.NO_ANSWER) {
            ex.hold();
            return;
        }
        long latency = state.latencyMillis(model, draw.gaussian())
                + (draw.fault() == FaultInjector.Fault.SLOW ? f.slowMillis() : 0);
        // Admitted at once (the usual case) runs on this event loop already: no task hop through the context's
        // queue. Admitted later by a releaser, possibly on another event loop: handed over to our own.
        long atGate = System.nanoTime();
        boolean admitted = state.gate.submit(() -> {
            // The service time counts from arrival, as a remote server's latency does, plus any wait for a slot.
            long due = ex.arrivedNanos + (System.nanoTime() - atGate) + TimeUnit.MILLISECONDS.toNanos(latency);
            if (Vertx.currentContext() == ex.context) {
                serve(ex, draw, answer, due);
            } else {
                ex.context.runOnContext(v -> serve(ex, draw, answer, due));
            }
        });
        if (!admitted) {
            state.stats.overloaded();
            ex.error(ApiError.overloaded(), "1");
        }
    }

    /** Validates the request and generates its answer; throws {@link ApiException} for what a client did wrong. */
    private AnswerCache.Prepared prepare(byte[] body) {
        SimulatorState.Answer a = state.answer(body);
        return new AnswerCache.Prepared(a.model(), Envelope.completionTail(a.model(), a.content(), a.promptTokens(),
                Tokens.estimate(a.content())));
    }

    /** Holds a concurrency permit for the service time, then answers (or fails as drawn) and frees the permit. */
    /**
     * Holds a concurrency permit until {@code dueNanos} (a {@link System#nanoTime()} value), then answers. The wait
     * is scheduled on the context's Netty event loop in nanoseconds: Vert.x timers take whole milliseconds, and
     * rounding up on top of the time already spent made a 50 ms simulator answer after about 51 ms.
     */
    private void serve(Exchange ex, FaultInjector.Draw draw, Buffer answer, long dueNanos) {
        if (ex.ended()) { // the client gave up while queued
            state.gate.release();
            return;
        }
        long wait = dueNanos - System.nanoTime();
        if (wait <= 0) {
            finish(ex, draw, answer);
        } else {
            ((ContextInternal) ex.context).nettyEventLoop().schedule(
                    () -> ex.context.runOnContext(v -> finish(ex, draw, answer)), wait, TimeUnit.NANOSECONDS);
        }
    }

    private void finish(Exchange ex, FaultInjector.Draw draw, Buffer answer) {
        try {
            switch (draw.fault()) {
                case SERVER_ERROR -> ex.error(ApiError.server(draw.serverErrorStatus()));
                case RESET -> ex.reset();
                case MALFORMED -> {
                    state.stats.malformed();
                    // A body cut in the middle, as from a proxy that dropped the connection mid-write.
                    ex.send(200, answer.getBuffer(0, Math.max(1, answer.length() / 2)), null);
                }
                default -> ex.send(200, answer, null);
            }
        } finally {
            state.gate.release();
        }
    }

    private ApiError authenticate(HttpServerRequest req) {
        String raw = req.getHeader(authHeader);
        if (raw == null || raw.isBlank()) {
            return ApiError.missingKey();
        }
        String key = raw.strip();
        if (schemePrefix != null) {
            if (!key.regionMatches(true, 0, schemePrefix, 0, schemePrefix.length())) {
                return ApiError.missingKey();
            }
            key = key.substring(schemePrefix.length()).strip();
        }
        boolean ok = config.acceptedApiKey() != null ? config.acceptedApiKey().equals(key) : key.startsWith("zgpu-");
        if (!ok) {
            return ApiError.invalidCredentials();
        }
        if (config.projectId() != null) {
            String project = req.getHeader("x-project-id");
            if (project != null && !project.strip().equals(config.projectId())) {
                return ApiError.invalidCredentials();
            }
        }
        return null;
    }

    private void record(HttpServerRequest req, String body) {
        if (config.recentRequests() == 0) {
            return;
        }
        MultiMap h = req.headers();
        Map<String, String> headers = new HashMap<>(h.size() * 2);
        h.forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        state.log.add(new RecordedRequest(req.path(), headers, body, System.currentTimeMillis()));
    }
}
