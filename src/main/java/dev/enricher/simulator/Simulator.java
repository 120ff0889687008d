package dev.enricher.simulator;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local ZeroGPU-compatible chat-completions server for tests, the demo and benchmarks: the documented
 * envelope and errors, per-model answers, latency, a concurrency ceiling and injected faults.
 *
 * <p>It runs on its own Vert.x instance ({@link SimulatorConfig#instances()} event loops). Every method is
 * thread-safe; {@link #start} and {@link #close} block the caller (bounded waits) and must not be called from
 * a Vert.x event loop. Admin endpoints mirror {@link #faults(FaultSettings)} and {@link #stats()} over HTTP.
 */
public final class Simulator implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final SimulatorState state;
    private final String baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Simulator(Vertx vertx, SimulatorState state) {
        this.vertx = vertx;
        this.state = state;
        String host = state.config.host();
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        this.baseUrl = "http://" + shownHost + ":" + state.port() + "/v1";
    }

    /**
     * Starts the server and waits until it listens.
     *
     * @throws IllegalStateException when it cannot bind (port taken, bad host) or does not start in 30 s
     */
    public static Simulator start(SimulatorConfig config) {
        Objects.requireNonNull(config, "config");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.instances()).setWorkerPoolSize(2)
                .setPreferNativeTransport(true));
        SimulatorState state = new SimulatorState(config);
        try {
            // Vert.x shares one listening socket among servers created with the same host and port in one
            // instance. Port 0 would give each its own port; a negative port is Vert.x's "one random port, shared".
            await(vertx.deployVerticle(() -> new SimulatorVerticle(state, config.port() == 0 ? -1 : config.port()),
                    new DeploymentOptions().setInstances(config.instances())));
        } catch (RuntimeException e) {
            vertx.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("simulator cannot listen on " + config.host() + ":" + config.port() + ": "
                    + cause.getMessage() + (config.port() != 0 ? " (is the port taken? use --port 0 for a free one)" : ""),
                    cause);
        }
        return new Simulator(vertx, state);
    }

    private static void await(io.vertx.core.Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new RuntimeException(e.getCause());
        } catch (TimeoutException e) {
            throw new RuntimeException(new TimeoutException("not listening after " + START_TIMEOUT_SECONDS + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /**
     * The {@code choices[0].message.content} this simulator answers a {@code /v1/chat/completions} request body with,
     * when no fault is drawn: a pure function of the body, so a checker can tell whether an answer a client kept
     * belongs to the request it is attached to. Counts nothing and waits for nothing.
     *
     * @throws IllegalArgumentException when the API would refuse the request (the message is the API's)
     */
    public String answerContent(byte[] requestBody) {
        try {
            return state.answer(requestBody).content();
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@code http://<host>:<port>/v1}: what a client uses as its base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return state.port();
    }

    /** The configuration it was started with (faults there are the initial ones). */
    public SimulatorConfig config() {
        return state.config;
    }

    /** The faults in force now. */
    public FaultSettings faults() {
        return state.faults();
    }

    /** Replaces the faults; requests arriving afterwards see the new ones. */
    public void faults(FaultSettings settings) {
        state.faults(settings);
    }

    /** A snapshot of the counters. */
    public SimulatorStats stats() {
        return state.stats();
    }

    /** Zeroes the counters (requests in flight stay counted as in flight) and forgets recorded requests. */
    public void resetStats() {
        state.stats.clear();
        state.log.clear();
    }

    /** The last requests to {@code /v1/chat/completions}, oldest first (at most {@link SimulatorConfig#recentRequests()}). */
    public List<RecordedRequest> recentRequests() {
        return state.log.snapshot();
    }

    /** Releases held requests, stops the server and its Vert.x instance (waits up to 10 s). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Exchange ex : List.copyOf(state.held)) {
            ex.context.runOnContext(v -> ex.abandon());
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Closing is best effort: the event loops are gone or going; nothing else to release.
        }
    }

    @Override
    public String toString() {
        return "Simulator[" + baseUrl + "]";
    }
}
