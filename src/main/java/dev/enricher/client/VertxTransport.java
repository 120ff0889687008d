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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ChatTransport} on Vert.x Web Client: keep-alive connections (a pool of maxInFlight), native epoll where
 * available, the request body written by {@link ChatWire}, the answer parsed in place by {@link CompletionParser} and
 * every failure classified by {@link ErrorClassifier}.
 */
final class VertxTransport implements ChatTransport {
    private static final Logger log = LoggerFactory.getLogger(VertxTransport.class);
    private static final String USER_AGENT = "stream-enricher/" + Optional.ofNullable(
            VertxTransport.class.getPackage().getImplementationVersion()).orElse("dev");
    private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
    private static final CharSequence X_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");

    private final ClientConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    /**
     * The connection pools, each a client of at most {@link #SHARD_CONNECTIONS} connections, with the calls each has
     * on the wire. Vert.x's HTTP/1.1 pool picks a connection by scanning every pooled connection on each request
     * (its LIFO selector), so one pool of C connections costs O(C) per call: 9 % of the CPU per event at C = 1,024 in
     * a profile. Calls go to the least busy shard (a scan of C / 64 counters), so the busiest shard never needs more
     * connections than it has while the admission keeps C calls in flight at most.
     */
    private final Shard[] shards;
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
        WebClientOptions options = new WebClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setSsl("https".equals(base.getScheme()))
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false);
        int count = (config.maxInFlight() + SHARD_CONNECTIONS - 1) / SHARD_CONNECTIONS;
        int perShard = (config.maxInFlight() + count - 1) / count;
        this.shards = new Shard[count];
        for (int i = 0; i < count; i++) {
            PoolOptions pool = new PoolOptions()
                    .setHttp1MaxSize(perShard)
                    .setEventLoopSize(config.eventLoops())
                    .setMaxWaitQueueSize(-1);
            // A connection the API resets or drops fails the request on it, which becomes a typed TRANSIENT error
            // that is retried and counted. Without a handler of its own, the connection would also log the same
            // failure as an ERROR (hundreds of lines under a reset storm that ask nothing of the operator); DEBUG
            // keeps it findable.
            io.vertx.core.http.HttpClient client = vertx.httpClientBuilder().with(options).with(pool)
                    .withConnectHandler(connection -> connection.exceptionHandler(e ->
                            log.debug("connection to {}:{} failed: {}", host, port, e.toString())))
                    .build();
            shards[i] = new Shard(client, WebClient.wrap(client, options));
        }
    }

    /** Most connections of one pool: its selector's scan stays short. */
    static final int SHARD_CONNECTIONS = 64;

    /** One connection pool and the calls it has on the wire. */
    private record Shard(io.vertx.core.http.HttpClient client, WebClient web,
                         java.util.concurrent.atomic.AtomicInteger onTheWire) {
        Shard(io.vertx.core.http.HttpClient client, WebClient web) {
            this(client, web, new java.util.concurrent.atomic.AtomicInteger());
        }
    }

    /** The shard with the fewest calls on the wire (the first of equals). */
    private Shard leastBusy() {
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
        String model = request.model();
        long start = config.nanoTime().getAsLong();
        Shard shard = leastBusy();
        shard.onTheWire().incrementAndGet();
        try {
            shard.web().post(port, host, path).ssl(ssl).timeout(timeoutMillis).putHeaders(headers)
                    .sendBuffer(body).onComplete(ar -> {
                        shard.onTheWire().decrementAndGet();
                        answered(result, model, ar, start);
                    });
        } catch (RuntimeException e) {
            shard.onTheWire().decrementAndGet();
            // The Vert.x instance is closing: treat like a lost connection so the attempt still ends once.
            answered(result, model, io.vertx.core.Future.failedFuture(e), start);
        }
        return result;
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
        for (Shard shard : shards) {
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
