package dev.enricher.client;

import java.util.concurrent.CompletionStage;

/**
 * Sends one chat-completions request over HTTP and turns every answer into a {@link ChatCompletion} or one typed
 * {@link ZeroGpuException}. One attempt: it never retries, queues or limits anything; what may be sent when is
 * {@link Admission}'s, and retrying is the business of whoever keeps the call's attempts (the engine, which persists
 * them, or a standalone {@link ZeroGpuClient}).
 *
 * <p>Thread-safe: {@link #send} may be called from any thread and never blocks. The stage completes on a transport
 * thread (a Vert.x event loop): callbacks must not block and should hand the result to their own thread.
 */
public interface ChatTransport extends AutoCloseable {

    /** A transport on a Vert.x instance of its own, closed by {@link #close()}; its pool holds maxInFlight connections. */
    static ChatTransport create(ClientConfig config) {
        return VertxTransport.create(config);
    }

    /**
     * Sends {@code request} once.
     *
     * @return completes with the completion ({@code attempts} 1, {@code latency} this attempt's) or exceptionally with
     *         a {@link ZeroGpuException} (attempts 1): a status other than 2xx, a body that is not a completion, a
     *         timeout, a refused or lost connection, a request that cannot be written (RECORD), a closed transport
     */
    CompletionStage<ChatCompletion> send(ChatRequest request);

    /**
     * As {@link #send(ChatRequest)}, with {@code request}'s JSON body already written by {@link ChatWire#requestBody}
     * (the engine writes it once for the call's content key; writing it again would be the same bytes). The default
     * ignores {@code body}.
     *
     * @param body {@code request} as {@link ChatWire} writes it; null to have it written here
     */
    default CompletionStage<ChatCompletion> send(ChatRequest request, byte[] body) {
        return send(request);
    }

    /**
     * As {@link #send(ChatRequest, byte[])}, the request carrying {@code traceparent} (W3C trace context) to the API so
     * its spans join the caller's trace. The default drops it.
     *
     * @param traceparent the {@code traceparent} header's value; null for none
     */
    default CompletionStage<ChatCompletion> send(ChatRequest request, byte[] body, String traceparent) {
        return send(request, body);
    }

    /** Connections this transport has opened since it was created; 0 for one that does not count them. Any thread. */
    default long connectionsOpened() {
        return 0;
    }

    /** Releases connections; requests still on the wire end with a failure. Idempotent. */
    @Override
    void close();
}
