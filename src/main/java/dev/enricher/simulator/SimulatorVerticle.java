package dev.enricher.simulator;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** One HTTP server on one event loop; several instances share the port (Vert.x balances connections). */
final class SimulatorVerticle extends VerticleBase {
    /** Far above the 131072-character content limit times a few messages; bigger bodies get 413. */
    static final long MAX_BODY_BYTES = 8L * 1024 * 1024;

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
        router.post("/v1/chat/completions").handler(body).handler(chat);
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
                .setCompressionSupported(false);
        return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
            int before = state.port();
            state.port(s.actualPort());
            if (before != 0 && before != s.actualPort()) {
                throw new IllegalStateException("server instances ended on different ports: " + before + " and "
                        + s.actualPort());
            }
        });
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
