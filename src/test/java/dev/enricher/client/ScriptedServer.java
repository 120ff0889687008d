package dev.enricher.client;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback HTTP server for client tests that need answers the simulator never gives (odd error
 * bodies, scripted sequences). Each request is answered by the next {@link Answer} of the script,
 * or by the fallback once the script is used up. Records requests and counts concurrency.
 */
final class ScriptedServer implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Function<Received, Answer> fallback = r -> Answer.ok();

    ScriptedServer() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::handle);
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("scripted server did not start", e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    ScriptedServer then(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    ScriptedServer otherwise(Function<Received, Answer> f) {
        this.fallback = f;
        return this;
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpServerRequest req) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        req.body().onSuccess(body -> {
            Map<String, String> headers = new LinkedHashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            Received r = new Received(req.path(), headers, body.toString(), System.nanoTime());
            received.add(r);
            Answer a = script.poll();
            Answer answer = a != null ? a : fallback.apply(r);
            Runnable respond = () -> {
                inFlight.decrementAndGet();
                if (answer.reset) {
                    req.connection().close();
                    return;
                }
                var resp = req.response().setStatusCode(answer.status);
                answer.headers.forEach(resp::putHeader);
                resp.end(Buffer.buffer(answer.body));
            };
            if (answer.delayMs > 0) {
                vertx.setTimer(answer.delayMs, id -> respond.run());
            } else {
                respond.run();
            }
        });
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Received(String path, Map<String, String> headers, String body, long atNanos) {
    }

    /** One scripted answer. */
    record Answer(int status, Map<String, String> headers, String body, long delayMs, boolean reset) {
        static final String COMPLETION = "{\"id\":\"chatcmpl_1\",\"object\":\"chat.completion\",\"created\":1764000000,"
                + "\"model\":\"m\",\"service_tier\":\"default\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hello\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7},\"brand_new_field\":{\"x\":1}}";

        static Answer ok() {
            return new Answer(200, Map.of("x-request-id", "req_ok", "content-type", "application/json"), COMPLETION, 0,
                    false);
        }

        static Answer status(int status, String body) {
            return new Answer(status, Map.of("x-request-id", "req_" + status), body, 0, false);
        }

        static Answer resetConnection() {
            return new Answer(0, Map.of(), "", 0, true);
        }

        Answer header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body, delayMs, reset);
        }

        Answer delay(long ms) {
            return new Answer(status, headers, body, ms, reset);
        }
    }
}
