package dev.enricher.client;

import java.util.concurrent.CompletionStage;

/**
 * A non-blocking client of the ZeroGPU (or any OpenAI-compatible) chat-completions endpoint.
 *
 * <p>Thread-safe: {@link #complete} may be called from any thread and never blocks. The returned
 * stage completes on a client thread (a Vert.x event loop): callers must not block in its callbacks
 * and should hand the result to their own thread. It completes exceptionally with a
 * {@link ZeroGpuException} only, after retries of {@link Disposition#TRANSIENT} failures are spent.
 *
 * <p>At most {@link #concurrencyLimit()} HTTP calls are in flight at any time (retries included);
 * further calls wait in the client, in arrival order, retries first.
 *
 * <p>This is the client for use on its own (benchmarks, users' code): a {@link ChatTransport} behind an
 * {@link Admission} of its own, retrying in memory. The pipeline does not use it: its engine puts the transport
 * behind the engine's admission (fair between stream tasks) and retries with the attempts kept in its store.
 */
public interface ZeroGpuClient extends AutoCloseable {

    /** Creates a client with its own Vert.x instance, closed by {@link #close()}. */
    static ZeroGpuClient create(ClientConfig config) {
        return RetryingClient.create(config);
    }

    /** Sends the request (retrying TRANSIENT failures per the config) and returns the completion. */
    CompletionStage<ChatCompletion> complete(ChatRequest request);

    /** HTTP calls on the wire right now. */
    int inFlight();

    /** Calls accepted but waiting for a slot, a rate-limit token or a retry timer. */
    int waiting();

    /** The current in-flight ceiling; lowered by 429 storms, never above {@code maxInFlight}. */
    int concurrencyLimit();

    /** Counters since start. */
    ClientStats stats();

    /** Fails waiting calls with a REJECTED error, cancels in-flight ones, releases connections. Idempotent. */
    @Override
    void close();
}
