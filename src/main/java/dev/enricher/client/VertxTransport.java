package dev.enricher.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChatTransport} on Vert.x Web Client: keep-alive connections (HTTP/1.1, pools of maxInFlight connections in
 * all; or HTTP/2, calls multiplexed over maxInFlight / {@value #HTTP2_STREAMS} connections), native epoll where
 * available, the request body written by {@link ChatWire}, the answer parsed in place by {@link CompletionParser} and
 * every failure classified by {@link ErrorClassifier}.
 *
 * <p>HTTP/2 falls back to HTTP/1.1 once, for good, when the server shows it does not speak it: over TLS, ALPN settles on
 * http/1.1 (Vert.x then carries the call on an HTTP/1.1 connection of the same pool; the answer's version tells); in
 * clear text, a connection opened with the HTTP/2 preface (prior knowledge) fails before any HTTP/2 connection ever
 * worked. The call that found out is sent again over HTTP/1.1, not failed.
 */
final class VertxTransport implements ChatTransport {
    private static final Logger log = LoggerFactory.getLogger(VertxTransport.class);
    private static final String USER_AGENT = "stream-enricher/" + Optional.ofNullable(
            VertxTransport.class.getPackage().getImplementationVersion()).orElse("dev");
    private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
    private static final CharSequence X_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence TRACEPARENT = io.vertx.core.http.HttpHeaders.createOptimized("traceparent");

    private final ClientConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    /**
     * The connection pools calls go to now, with the calls each has on the wire: the HTTP/1.1 pools
     * ({@link #http1Shards()}), or the one HTTP/2 pool until a fall back. Calls go to the least busy shard (a scan of
     * C / 64 counters), so the busiest shard never needs more connections than it has while the admission keeps C
     * calls in flight at most.
     */
    private volatile Shard[] shards;
    /**
     * The pools of HTTP/1.1 connections, once built (at start for HTTP/1.1, at the fall back for HTTP/2); guarded by
     * this.
     */
    private Shard[] http1;
    /** The pool of HTTP/2 connections; null for HTTP/1.1. */
    private final Shard http2;
    /** Connections opened since start, of either version. */
    private final java.util.concurrent.atomic.AtomicLong connections = new java.util.concurrent.atomic.AtomicLong();
    /** True once an HTTP/2 connection opened or answered: from then on a failure is the call's, never a reason to fall back. */
    private volatile boolean http2Worked;
    private final WebClientOptions options;
    private final ErrorClassifier errors;
    private final CompletionParser parser;
    private final ChatWire wire;
    private final String host;
    private final int port;
    private final String path;
    private final boolean ssl;
    private final long timeoutMillis;
    private final io.vertx.core.MultiMap headers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private VertxTransport(ClientConfig config, Vertx vertx, boolean ownsVertx) {
        this.config = config;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.errors = new ErrorClassifier(json, config.apiKey());
        this.parser = new CompletionParser(json.getFactory());
        this.wire = new ChatWire(json);
        // Resolved once: parsing the absolute URL on every call showed up in profiles.
        URI url = URI.create(config.completionsUrl());
        this.ssl = "https".equals(url.getScheme());
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
        this.path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String authValue = config.authHeaderValue();
        this.timeoutMillis = config.requestTimeout().toMillis();
        // Built once; each request copies them instead of parsing names and values again.
        this.headers = io.vertx.core.http.HttpHeaders.headers()
                .add(io.vertx.core.http.HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                .add(io.vertx.core.http.HttpHeaders.ACCEPT, APPLICATION_JSON);
        if (authValue != null) {
            headers.add(config.authHeader(), authValue);
        }
        if (config.projectId() != null) {
            headers.add("x-project-id", config.projectId());
        }
        URI base = config.baseUrl();
        this.options = new WebClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setSsl("https".equals(base.getScheme()))
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false);
        if (config.httpVersion() == ClientConfig.HttpVersion.HTTP_2) {
            this.http2 = http2Shard();
            this.shards = new Shard[] {http2};
        } else {
            this.http2 = null;
            this.http1 = http1Shards();
            this.shards = http1;
        }
    }

    /** Most connections of one HTTP/1.1 pool: its selector's scan stays short. */
    static final int SHARD_CONNECTIONS = 64;

    /**
     * Calls multiplexed on one HTTP/2 connection at most: the streams most servers allow at once (Vert.x and Go
     * advertise 100, nginx 128); a server that allows fewer gets its own limit. The connections are sized for this,
     * so maxInFlight calls need maxInFlight / 100 connections.
     */
    static final int HTTP2_STREAMS = 100;

    /** One connection pool and the calls it has on the wire. */
    private record Shard(io.vertx.core.http.HttpClient client, WebClient web, boolean http2,
                         java.util.concurrent.atomic.AtomicInteger onTheWire) {
        Shard(io.vertx.core.http.HttpClient client, WebClient web, boolean http2) {
            this(client, web, http2, new java.util.concurrent.atomic.AtomicInteger());
        }
    }

    /**
     * HTTP/1.1 pools of at most {@link #SHARD_CONNECTIONS} connections each, maxInFlight connections in all. Vert.x's
     * HTTP/1.1 pool picks a connection by scanning every pooled connection on each request (its LIFO selector), so
     * one pool of C connections costs O(C) per call: 9 % of the CPU per event at C = 1,024 in a profile.
     */
    private Shard[] http1Shards() {
        int count = (config.maxInFlight() + SHARD_CONNECTIONS - 1) / SHARD_CONNECTIONS;
        int perShard = (config.maxInFlight() + count - 1) / count;
        Shard[] pools = new Shard[count];
        for (int i = 0; i < count; i++) {
            PoolOptions pool = new PoolOptions()
                    .setHttp1MaxSize(perShard)
                    .setEventLoopSize(config.eventLoops())
                    .setMaxWaitQueueSize(-1);
            io.vertx.core.http.HttpClient client = client(options, pool, false);
            pools[i] = new Shard(client, WebClient.wrap(client, options), false);
        }
        return pools;
    }

    /**
     * One HTTP/2 pool: maxInFlight / {@link #HTTP2_STREAMS} connections (rounded up), each carrying up to that many
     * calls, so the pool's scan is over a handful of connections. TLS offers h2 and http/1.1 over ALPN; clear text
     * opens with the HTTP/2 preface (prior knowledge), not an upgrade from HTTP/1.1, whose first request on each
     * connection would travel as HTTP/1.1. Should ALPN settle on http/1.1, the pool carries calls on up to
     * {@link #SHARD_CONNECTIONS} HTTP/1.1 connections until the switch to the HTTP/1.1 pools.
     */
    private Shard http2Shard() {
        WebClientOptions h2 = new WebClientOptions(options)
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setHttp2MultiplexingLimit(HTTP2_STREAMS)
                .setHttp2KeepAliveTimeout(60);
        if (ssl) {
            h2.setUseAlpn(true);
        }
        PoolOptions pool = new PoolOptions()
                .setHttp2MaxSize((config.maxInFlight() + HTTP2_STREAMS - 1) / HTTP2_STREAMS)
                .setHttp1MaxSize(Math.min(config.maxInFlight(), SHARD_CONNECTIONS))
                .setEventLoopSize(config.eventLoops())
                .setMaxWaitQueueSize(-1);
        // In clear text every connection of this pool is HTTP/2 (its preface and settings exchanged) once it opens.
        io.vertx.core.http.HttpClient client = client(h2, pool, !ssl);
        return new Shard(client, WebClient.wrap(client, h2), true);
    }

    /** A client of these options; {@code opensHttp2} when each connection it opens is a working HTTP/2 connection. */
    private io.vertx.core.http.HttpClient client(WebClientOptions o, PoolOptions pool, boolean opensHttp2) {
        // A connection the API resets or drops fails the request on it, which becomes a typed TRANSIENT error that is
        // retried and counted. Without a handler of its own, the connection would also log the same failure as an
        // ERROR (hundreds of lines under a reset storm that ask nothing of the operator); DEBUG keeps it findable.
        return vertx.httpClientBuilder().with(o).with(pool)
                .withConnectHandler(connection -> {
                    connections.incrementAndGet();
                    if (opensHttp2) {
                        http2Worked = true;
                    }
                    connection.exceptionHandler(e ->
                            log.debug("connection to {}:{} failed: {}", host, port, e.toString()));
                })
                .build();
    }

    /** The shard with the fewest calls on the wire (the first of equals). */
    private static Shard leastBusy(Shard[] shards) {
        Shard best = shards[0];
        int fewest = best.onTheWire().get();
        for (int i = 1; i < shards.length && fewest > 0; i++) {
            int n = shards[i].onTheWire().get();
            if (n < fewest) {
                best = shards[i];
                fewest = n;
            }
        }
        return best;
    }

    /** Connection pools this transport spreads its calls over. */
    int pools() {
        return shards.length;
    }

    /** The HTTP version calls go out with now: the configured one, or 1.1 after a fall back. */
    ClientConfig.HttpVersion httpVersion() {
        return shards[0].http2() ? ClientConfig.HttpVersion.HTTP_2 : ClientConfig.HttpVersion.HTTP_1_1;
    }

    @Override
    public long connectionsOpened() {
        return connections.get();
    }

    /**
     * Goes over to HTTP/1.1 for good: later calls take the HTTP/1.1 pools. Calls already in the HTTP/2 pool finish
     * there. Logs one warning, the first time; any thread.
     */
    private void fallBack(String why) {
        synchronized (this) {
            if (http1 != null || closed.get()) { // fallen back already, or closing: close() sees every pool
                return;
            }
            http1 = http1Shards();
            shards = http1;
        }
        log.warn("{}:{} does not speak HTTP/2 ({}); talking HTTP/1.1 to it from now on (api.http-version: 2 "
                + "asked for HTTP/2)", host, port, why);
    }

    /**
     * Whether {@code failure}, on an HTTP/2 connection, says that the server does not speak HTTP/2: the connection
     * was opened (not refused, not timed out) and then failed before its preface and settings were exchanged, while no
     * HTTP/2 connection to this server has ever worked. An HTTP/1.1-only server answers the preface with an HTTP/1.1
     * error or closes the connection: Netty reports a protocol error, or the connection closed.
     */
    private boolean refusesHttp2(Throwable failure) {
        if (http2Worked || ssl) {
            return false; // over TLS, ALPN settles the version before any byte of HTTP/2 is sent
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof io.netty.handler.codec.http2.Http2Exception
                    || t instanceof io.vertx.core.http.HttpClosedException) {
                return true;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.vertx.core.http.StreamResetException) {
                return false;
            }
        }
        return false;
    }

    static VertxTransport create(ClientConfig config) {
        // Native epoll where available (Linux): fewer syscalls per call; NIO elsewhere.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setPreferNativeTransport(true));
        return new VertxTransport(config, vertx, true);
    }

    /** A transport on a Vert.x instance the caller owns and closes. */
    static VertxTransport create(ClientConfig config, Vertx vertx) {
        return new VertxTransport(config, vertx, false);
    }

    /** Timers on this transport's Vert.x: run on an event loop; dropped once the transport is closed. */
    Scheduler timers() {
        return new Scheduler() {
            @Override
            public void schedule(Runnable task, Duration delay) {
                long ms = delay.toMillis();
                try {
                    if (ms <= 0) {
                        vertx.runOnContext(v -> task.run());
                    } else {
                        vertx.setTimer(ms, id -> task.run());
                    }
                } catch (RuntimeException closing) {
                    // Vert.x is closing: the task is dropped, as Scheduler documents.
                }
            }

            @Override
            public void close() {
                // The transport owns the Vert.x instance and its timers.
            }
        };
    }

    @Override
    public CompletionStage<ChatCompletion> send(ChatRequest request) {
        return send(request, null);
    }

    @Override
    public CompletionStage<ChatCompletion> send(ChatRequest request, byte[] written) {
        return send(request, written, null);
    }

    @Override
    public CompletionStage<ChatCompletion> send(ChatRequest request, byte[] written, String traceparent) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(rejected(request.model(), "the transport is closed"));
        }
        Buffer body;
        try {
            body = Buffer.buffer(written != null ? written : wire.requestBody(request));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(ZeroGpuException.builder(Disposition.RECORD, FailureKind.REJECTED)
                    .model(request.model()).attempts(0)
                    .message("request cannot be written as JSON: " + e.getMessage()).build());
        }
        CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
        post(body, result, request.model(), config.nanoTime().getAsLong(), traceparent);
        return result;
    }

    /**
     * Sends {@code body} on the least busy pool of those in use now; completes {@code result} once.
     *
     * @param traceparent the W3C trace context the request carries to the API; null for none
     */
    private void post(Buffer body, CompletableFuture<ChatCompletion> result, String model, long start,
                      String traceparent) {
        Shard shard = leastBusy(shards);
        shard.onTheWire().incrementAndGet();
        try {
            io.vertx.ext.web.client.HttpRequest<Buffer> request = shard.web().post(port, host, path).ssl(ssl)
                    .timeout(timeoutMillis).putHeaders(headers);
            if (traceparent != null) {
                request.headers().set(TRACEPARENT, traceparent);
            }
            request.sendBuffer(body).onComplete(ar -> {
                        shard.onTheWire().decrementAndGet();
                        if (shard.http2() && !ar.succeeded() && refusesHttp2(ar.cause()) && !closed.get()) {
                            fallBack(ar.cause().toString());
                            post(body, result, model, start, traceparent); // the same attempt, over HTTP/1.1
                            return;
                        }
                        if (shard.http2() && ar.succeeded()) {
                            if (ar.result().version() == io.vertx.core.http.HttpVersion.HTTP_2) {
                                http2Worked = true;
                            } else {
                                fallBack("ALPN settled on " + ar.result().version());
                            }
                        }
                        answered(result, model, ar, start);
                    });
        } catch (RuntimeException e) {
            shard.onTheWire().decrementAndGet();
            // The Vert.x instance is closing: treat like a lost connection so the attempt still ends once.
            answered(result, model, io.vertx.core.Future.failedFuture(e), start);
        }
    }

    private void answered(CompletableFuture<ChatCompletion> result, String model, AsyncResult<HttpResponse<Buffer>> ar,
                          long start) {
        Duration latency = Duration.ofNanos(config.nanoTime().getAsLong() - start);
        if (!ar.succeeded()) {
            result.completeExceptionally(errors.fromThrowable(ar.cause(), model, config.requestTimeout()));
            return;
        }
        HttpResponse<Buffer> response = ar.result();
        int status = response.statusCode();
        String requestId = response.getHeader(X_REQUEST_ID);
        Buffer body = response.body();
        if (status >= 200 && status < 300) {
            ChatCompletion completion;
            try {
                completion = parse(body, requestId, 1, latency);
            } catch (CompletionParser.MalformedCompletion e) {
                result.completeExceptionally(errors.malformed(status, "answer is not a chat completion: "
                        + e.getMessage(), requestId, model));
                return;
            }
            result.complete(completion);
            return;
        }
        Optional<Duration> retryAfter = RetryPolicy.parseRetryAfter(response.getHeader("retry-after"), config.clock())
                .map(config.retry()::cap);
        result.completeExceptionally(errors.fromStatus(status, body == null ? new byte[0] : body.getBytes(), requestId,
                retryAfter, model));
    }

    /** Parses the body in place when it is backed by a heap array (the usual case): no copy of the answer first. */
    private ChatCompletion parse(Buffer body, String requestId, int attempts, Duration latency) {
        if (body == null) {
            return parser.parse(new byte[0], 0, 0, requestId, attempts, latency);
        }
        if (body instanceof io.vertx.core.internal.buffer.BufferInternal internal) {
            io.netty.buffer.ByteBuf buf = internal.getByteBuf(); // a slice: no copy
            if (buf.hasArray()) {
                return parser.parse(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes(), requestId,
                        attempts, latency);
            }
        }
        byte[] bytes = body.getBytes();
        return parser.parse(bytes, 0, bytes.length, requestId, attempts, latency);
    }

    private static ZeroGpuException rejected(String model, String why) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.REJECTED).model(model).attempts(1)
                .message(why).build();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Shard> all = new ArrayList<>();
        synchronized (this) { // no fall back builds pools after this
            if (http2 != null) {
                all.add(http2);
            }
            if (http1 != null) {
                all.addAll(List.of(http1));
            }
        }
        for (Shard shard : all) {
            shard.web().close();
            shard.client().close();
        }
        if (ownsVertx) {
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("Vert.x of the ZeroGPU transport did not stop within 10 s; leaving its threads to the JVM");
            }
        }
    }

    @Override
    public String toString() {
        return "VertxTransport[" + config + "]";
    }
}
