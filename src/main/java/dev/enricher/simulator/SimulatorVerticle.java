package dev.enricher.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * One HTTP server on one event loop; several instances share the port (Vert.x balances connections). It speaks
 * HTTP/1.1 and, unless {@link SimulatorConfig#http2()} is off, h2c: a request is a request either way, and what acts
 * on one request (the concurrency gate, a reset fault, a held request given up) acts on it alone, an HTTP/2 stream
 * rather than the connection the other streams share ({@link ConnectionReset}).
 */
final class SimulatorVerticle extends VerticleBase {
    /** Far above the 131072-character content limit times a few messages; bigger bodies get 413. */
    static final long MAX_BODY_BYTES = 8L * 1024 * 1024;
    static final String CHAT_PATH = "/v1/chat/completions";

    private final SimulatorState state;
    private final int port;

    SimulatorVerticle(SimulatorState state, int port) {
        this.state = state;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        ChatCompletionsHandler chat = new ChatCompletionsHandler(state);
        AdminHandler admin = new AdminHandler(state);
        router.post(CHAT_PATH).handler(body).handler(chat);
        router.get("/admin/faults").handler(admin::getFaults);
        router.put("/admin/faults").handler(body).handler(admin::putFaults);
        router.get("/admin/stats").handler(admin::getStats);
        router.post("/admin/stats/reset").handler(admin::resetStats);
        router.errorHandler(413, ctx -> error(ctx, ApiError.bodyTooLarge(MAX_BODY_BYTES)));
        router.errorHandler(404, ctx -> error(ctx, ApiError.notFound(ctx.request().path())));
        router.errorHandler(405, ctx -> error(ctx, ApiError.methodNotAllowed(ctx.request().method().name(),
                ctx.request().path())));
        router.errorHandler(500, ctx -> error(ctx, ApiError.server(500)));
        HttpServerOptions options = new HttpServerOptions()
                .setHost(state.config.host())
                .setPort(port)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setCompressionSupported(false)
                // h2c next to HTTP/1.1 on the one port (prior knowledge and upgrade), or HTTP/1.1 only; TLS is not
                // served, so ALPN has nothing to choose.
                .setHttp2ClearTextEnabled(state.config.http2())
                .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(SimulatorConfig.HTTP2_STREAMS));
        Context context = vertx.getOrCreateContext();
        Handler<HttpServerRequest> requests = req -> {
            long length = fastPathLength(req);
            if (length < 0) {
                router.handle(req);
                return;
            }
            // POST /v1/chat/completions with a Content-Length within the limit: the body is gathered here and the
            // handler called directly, without a RoutingContext and BodyHandler per request. Everything else
            // (other paths and methods, chunked or oversized bodies, Expect) goes through the router as before.
            Buffer content = Buffer.buffer((int) length);
            req.handler(content::appendBuffer);
            req.endHandler(v -> {
                try {
                    chat.handle(req, content, context);
                } catch (RuntimeException e) {
                    // What the router's 500 error handler answers for a failing route.
                    fastPathError(req, ApiError.server(500));
                }
            });
        };
        return vertx.createHttpServer(options).requestHandler(requests).listen().onSuccess(s -> {
            int before = state.port();
            state.port(s.actualPort());
            if (before != 0 && before != s.actualPort()) {
                throw new IllegalStateException("server instances ended on different ports: " + before + " and "
                        + s.actualPort());
            }
        });
    }

    /** The declared body length when the request may take the fast path, else -1. */
    private static long fastPathLength(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST || !CHAT_PATH.equals(req.path())) {
            return -1;
        }
        MultiMap h = req.headers();
        if (h.contains(HttpHeaders.EXPECT) || h.contains(HttpHeaders.TRANSFER_ENCODING)) {
            return -1;
        }
        String length = h.get(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(length.strip());
            return n >= 0 && n <= MAX_BODY_BYTES && n <= Integer.MAX_VALUE ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void fastPathError(HttpServerRequest req, ApiError e) {
        HttpServerResponse response = req.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headers().get("x-request-id") == null) {
            response.putHeader("x-request-id", Envelope.requestId());
        }
        response.setStatusCode(e.status()).putHeader("content-type", "application/json")
                .end(Buffer.buffer(Json.bytes(Json.errorBody(e))));
    }

    private static void error(RoutingContext ctx, ApiError e) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.response().headers().get("x-request-id") == null) {
            ctx.response().putHeader("x-request-id", Envelope.requestId());
        }
        ctx.response().setStatusCode(e.status()).putHeader("content-type", "application/json")
                .end(Buffer.buffer(Json.bytes(Json.errorBody(e))));
    }
}
