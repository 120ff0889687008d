package dev.enricher.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client on Vert.x Web Client.
 *
 * <p>Design: a call is a {@link Call} object that lives until its future completes. Admission
 * (in-flight ceiling, rate limit, retry-first order) is a few fields guarded by {@code this}; the
 * critical sections only move calls between queues and never do I/O, so any thread may submit and
 * any event loop may complete. Requests are sent and futures completed outside the lock. Every
 * call ends exactly once: with a completion, with the final error, or with REJECTED on close.
 */
final class VertxZeroGpuClient implements ZeroGpuClient {
    private static final Logger log = LoggerFactory.getLogger(VertxZeroGpuClient.class);
    private static final String USER_AGENT = "stream-enricher/" + Optional.ofNullable(
            VertxZeroGpuClient.class.getPackage().getImplementationVersion()).orElse("dev");

    private final ClientConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final WebClient http;
    private final ObjectMapper json;
    private final ErrorClassifier errors;
    private final CompletionParser parser;
    private final ChatWire wire;
    private final String host;
    private final int port;
    private final String path;
    private final boolean ssl;
    private final String authValue;
    private final long timeoutMillis;
    private final io.vertx.core.MultiMap headers;
    private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
    private static final CharSequence X_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");

    // Guarded by this.
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private final ArrayDeque<Call> retriesDue = new ArrayDeque<>();
    private final Set<Call> backingOff = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Call> onTheWire = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ConcurrencyLimit limit;
    private final TokenBucket bucket;
    private boolean rateTimerArmed;
    private boolean closed;
    private int lastLoggedLimit;

    private final LongAdder calls = new LongAdder();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();

    private VertxZeroGpuClient(ClientConfig config, Vertx vertx, boolean ownsVertx) {
        this.config = config;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        this.errors = new ErrorClassifier(json, config.apiKey());
        this.parser = new CompletionParser(json.getFactory());
        this.wire = new ChatWire(json);
        // Resolved once: parsing the absolute URL on every call showed up in profiles.
        URI url = URI.create(config.completionsUrl());
        this.ssl = "https".equals(url.getScheme());
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
        this.path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        this.authValue = config.authHeaderValue();
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
        this.limit = config.adaptiveConcurrency()
                ? ConcurrencyLimit.aimd(config.minInFlight(), config.maxInFlight())
                : ConcurrencyLimit.fixed(config.maxInFlight());
        this.lastLoggedLimit = config.maxInFlight();
        this.bucket = config.requestsPerSecond() > 0
                ? new TokenBucket(config.requestsPerSecond(), config.nanoTime().getAsLong()) : null;
        URI base = config.baseUrl();
        WebClientOptions options = new WebClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setSsl("https".equals(base.getScheme()))
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false);
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(config.maxInFlight())
                .setEventLoopSize(config.eventLoops())
                .setMaxWaitQueueSize(-1);
        this.http = WebClient.create(vertx, options, pool);
    }

    static ZeroGpuClient create(ClientConfig config) {
        // Native epoll where available (Linux): fewer syscalls per call; NIO elsewhere.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()).setPreferNativeTransport(true));
        return new VertxZeroGpuClient(config, vertx, true);
    }

    /** A client on a Vert.x instance the caller owns and closes. */
    static ZeroGpuClient create(ClientConfig config, Vertx vertx) {
        return new VertxZeroGpuClient(config, vertx, false);
    }

    @Override
    public CompletionStage<ChatCompletion> complete(ChatRequest request) {
        Buffer body;
        try {
            body = Buffer.buffer(wire.requestBody(request));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(ZeroGpuException.builder(Disposition.RECORD, FailureKind.REJECTED)
                    .model(request.model()).attempts(0)
                    .message("request cannot be written as JSON: " + e.getMessage()).build());
        }
        Call call = new Call(request.model(), body, config.nanoTime().getAsLong());
        calls.increment();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(rejected(call, "client is closed"));
            }
            waiting.addLast(call);
        }
        pump();
        return call.future;
    }

    /** Starts as many calls as the ceiling and the rate limit allow. Never called under the lock. */
    private void pump() {
        Call first = null;
        List<Call> more = null;
        synchronized (this) {
            while (!closed && onTheWire.size() < limit.current()) {
                Call next = retriesDue.isEmpty() ? waiting.peekFirst() : retriesDue.peekFirst();
                if (next == null) {
                    break;
                }
                if (bucket != null) {
                    long now = config.nanoTime().getAsLong();
                    if (!bucket.tryTake(now)) {
                        armRateTimer(bucket.nanosUntilNext(now));
                        break;
                    }
                }
                (retriesDue.isEmpty() ? waiting : retriesDue).pollFirst();
                onTheWire.add(next);
                if (first == null) {
                    first = next; // the usual case: one answer frees one slot for one call
                } else {
                    if (more == null) {
                        more = new ArrayList<>();
                    }
                    more.add(next);
                }
            }
        }
        if (first != null) {
            send(first);
        }
        if (more != null) {
            for (Call call : more) {
                send(call);
            }
        }
    }

    private void armRateTimer(long nanos) {
        if (rateTimerArmed) {
            return;
        }
        rateTimerArmed = true;
        vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos)), id -> {
            synchronized (this) {
                rateTimerArmed = false;
            }
            pump();
        });
    }

    private void send(Call call) {
        call.attempts++;
        attempts.increment();
        if (call.attempts > 1) {
            retries.increment();
        }
        long start = config.nanoTime().getAsLong();
        HttpRequest<Buffer> req = http.post(port, host, path)
                .ssl(ssl)
                .timeout(timeoutMillis)
                .putHeaders(headers);
        try {
            req.sendBuffer(call.body).onComplete(ar -> onAnswer(call, ar, start));
        } catch (RuntimeException e) {
            // The Vert.x instance is closing: treat like a lost connection so the call still ends once.
            onAnswer(call, io.vertx.core.Future.failedFuture(e), start);
        }
    }

    private void onAnswer(Call call, AsyncResult<HttpResponse<Buffer>> ar, long start) {
        long now = config.nanoTime().getAsLong();
        Duration latency = Duration.ofNanos(now - start);
        ZeroGpuException error;
        ChatCompletion completion = null;
        if (ar.succeeded()) {
            HttpResponse<Buffer> response = ar.result();
            int status = response.statusCode();
            String requestId = response.getHeader(X_REQUEST_ID);
            Buffer body = response.body();
            if (status >= 200 && status < 300) {
                try {
                    completion = parse(body, requestId, call.attempts, latency);
                    error = null;
                } catch (CompletionParser.MalformedCompletion e) {
                    error = errors.malformed(status, "answer is not a chat completion: " + e.getMessage(), requestId,
                            call.model);
                }
            } else {
                Optional<Duration> retryAfter = RetryPolicy.parseRetryAfter(response.getHeader("retry-after"),
                        config.clock()).map(config.retry()::cap);
                error = errors.fromStatus(status, body == null ? new byte[0] : body.getBytes(), requestId, retryAfter,
                        call.model);
            }
        } else {
            error = errors.fromThrowable(ar.cause(), call.model, config.requestTimeout());
        }
        boolean wasRateLimited = error != null && error.status() == 429 && error.disposition() == Disposition.TRANSIENT;
        boolean retry = false;
        Duration delay = Duration.ZERO;
        boolean isClosed;
        int newLimit;
        int previousLoggedLimit;
        synchronized (this) {
            onTheWire.remove(call);
            if (completion != null) {
                limit.onSuccess(now);
            } else if (wasRateLimited) {
                limit.onRateLimited(now);
            }
            isClosed = closed;
            if (!isClosed && error != null && error.disposition() == Disposition.TRANSIENT) {
                delay = config.retry().delay(call.attempts, error.retryAfter(), config.random());
                retry = config.retry().mayRetry(call.attempts, Duration.ofNanos(now - call.firstNanos), delay);
                if (retry) {
                    backingOff.add(call);
                }
            }
            newLimit = limit.current();
            previousLoggedLimit = limitChangeToLog(newLimit);
        }
        if (wasRateLimited) {
            rateLimited.increment();
        }
        if (previousLoggedLimit >= 0) {
            logLimitChange(previousLoggedLimit, newLimit);
        }
        if (completion != null) {
            // Counted before the future completes, so whoever joins the future sees the call in stats().
            if (call.end()) {
                succeeded.increment();
                call.future.complete(completion);
            }
        } else if (isClosed) {
            finish(call, rejected(call, "client closed while the call was in flight"));
        } else if (retry) {
            if (log.isDebugEnabled()) {
                log.debug("attempt {} of {} failed, retrying in {} ms: {}", call.attempts, call.model,
                        delay.toMillis(), error.getMessage());
            }
            scheduleRetry(call, delay);
        } else {
            finish(call, error.withAttempts(call.attempts));
        }
        pump();
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

    private void scheduleRetry(Call call, Duration delay) {
        long ms = delay.toMillis();
        if (ms <= 0) {
            retryNow(call);
            return;
        }
        try {
            vertx.setTimer(ms, id -> retryNow(call));
        } catch (RuntimeException closing) {
            retryNow(call);
        }
    }

    private void retryNow(Call call) {
        synchronized (this) {
            if (!backingOff.remove(call)) {
                return; // close() already failed it
            }
            retriesDue.addLast(call);
        }
        pump();
    }

    /** Ends a call with an error; the first ending wins (close() may race with an answer). */
    private void finish(Call call, ZeroGpuException error) {
        if (call.end()) {
            failed.increment();
            call.future.completeExceptionally(error);
            if (log.isDebugEnabled()) {
                log.debug("call to {} failed for good: {}", call.model, error.getMessage());
            }
        }
    }

    /**
     * Under the lock: the limit last logged, if {@code newLimit} moved far enough from it to be worth a line
     * (an eighth, or back to the max); -1 otherwise. Called once per answer inside the section that already holds
     * the lock, so watching the limit costs no second lock round.
     */
    private int limitChangeToLog(int newLimit) {
        int previous = lastLoggedLimit;
        if (previous == newLimit || Math.abs(previous - newLimit) < Math.max(1, previous / 8)
                && newLimit != config.maxInFlight()) {
            return -1;
        }
        lastLoggedLimit = newLimit;
        return previous;
    }

    private static void logLimitChange(int previous, int newLimit) {
        if (newLimit < previous) {
            log.warn("rate limited by the API (429): concurrency limit lowered from {} to {}", previous, newLimit);
        } else {
            log.info("concurrency limit raised from {} to {}", previous, newLimit);
        }
    }

    private ZeroGpuException rejected(Call call, String why) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.REJECTED)
                .model(call.model).attempts(call.attempts).message(why).build();
    }

    @Override
    public synchronized int inFlight() {
        return onTheWire.size();
    }

    @Override
    public synchronized int waiting() {
        return waiting.size() + retriesDue.size() + backingOff.size();
    }

    @Override
    public synchronized int concurrencyLimit() {
        return limit.current();
    }

    @Override
    public ClientStats stats() {
        return new ClientStats(calls.sum(), attempts.sum(), retries.sum(), succeeded.sum(), failed.sum(),
                rateLimited.sum());
    }

    @Override
    public void close() {
        List<Call> abandoned = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            abandoned.addAll(waiting);
            abandoned.addAll(retriesDue);
            abandoned.addAll(backingOff);
            abandoned.addAll(onTheWire);
            waiting.clear();
            retriesDue.clear();
            backingOff.clear();
        }
        for (Call call : abandoned) {
            finish(call, rejected(call, "client closed before the call could be sent"));
        }
        // Calls on the wire were failed above; their answers, if any still come, lose the race.
        http.close();
        if (ownsVertx) {
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                log.warn("Vert.x of the ZeroGPU client did not stop within 10 s; leaving its threads to the JVM");
            }
        }
    }

    @Override
    public String toString() {
        return "VertxZeroGpuClient[" + config + "]";
    }

    /** One call across its attempts. Mutable fields are touched by one thread at a time (handed over through the lock). */
    private static final class Call {
        final String model;
        final Buffer body;
        final long firstNanos;
        final CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
        int attempts;
        private volatile int ended;

        /** True for the first caller only: the call ends once, with its counter updated before its future. */
        boolean end() {
            return ENDED.compareAndSet(this, 0, 1);
        }

        private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Call> ENDED =
                java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Call.class, "ended");

        Call(String model, Buffer body, long firstNanos) {
            this.model = model;
            this.body = body;
            this.firstNanos = firstNanos;
        }
    }
}
