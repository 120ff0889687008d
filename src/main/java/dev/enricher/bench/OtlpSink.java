package dev.enricher.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A discard OTLP/HTTP receiver for {@code bench peers --tracing}: a traced contender exports its spans here, so
 * the export's cost (encoding, batching, sending) is part of its CPU figure, while nothing is decoded or kept. It
 * answers {@code POST /v1/traces} with 200 and an empty {@code application/x-protobuf} body (an empty
 * ExportTraceServiceResponse is zero bytes: every span accepted), counting the requests and their bodies' bytes;
 * anything else gets 404. Listens on 127.0.0.1 on a free port, on one event loop of its own Vert.x instance.
 */
final class OtlpSink implements AutoCloseable {
    static final String TRACES_PATH = "/v1/traces";
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final HttpServer server;
    private final AtomicLong requests;
    private final AtomicLong bytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OtlpSink(Vertx vertx, HttpServer server, AtomicLong requests, AtomicLong bytes) {
        this.vertx = vertx;
        this.server = server;
        this.requests = requests;
        this.bytes = bytes;
    }

    /** What the receiver got: export requests and their bodies' bytes. */
    record Counts(long requests, long bytes) {
        Counts minus(Counts before) {
            return new Counts(requests - before.requests, bytes - before.bytes);
        }
    }

    /**
     * Starts listening on 127.0.0.1, on a free port.
     *
     * @throws IllegalStateException when it cannot bind or does not start within 30 s
     */
    static OtlpSink start() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setPreferNativeTransport(true));
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        try {
            HttpServer server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(req -> handle(req, requests, bytes)).listen());
            return new OtlpSink(vertx, server, requests, bytes);
        } catch (RuntimeException e) {
            vertx.close();
            throw new IllegalStateException("the OTLP receiver cannot listen on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static void handle(HttpServerRequest req, AtomicLong requests, AtomicLong bytes) {
        if (req.method() != HttpMethod.POST || !TRACES_PATH.equals(req.path())) {
            req.response().setStatusCode(404).end();
            return;
        }
        req.handler(chunk -> bytes.addAndGet(chunk.length()));
        req.endHandler(v -> {
            requests.incrementAndGet();
            req.response().setStatusCode(200).putHeader("Content-Type", "application/x-protobuf")
                    .putHeader("Content-Length", "0").end();
        });
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not listening after " + START_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    int port() {
        return server.actualPort();
    }

    /** The OTLP endpoint to give an exporter ({@code http/protobuf}; the SDK appends {@value #TRACES_PATH}). */
    String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** The requests and bytes received so far. */
    Counts counts() {
        // Requests first: a request is counted after its body's bytes, so every request read has its bytes in.
        long r = requests.get();
        return new Counts(r, bytes.get());
    }

    /** Stops the server and its Vert.x instance (waits up to 10 s). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort: the event loop is gone or going
        }
    }
}
