package dev.enricher.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoints: {@code /health/live}, {@code /health/ready} (200 or 503 with the state as JSON) and
 * {@code /metrics} (Prometheus text). On the JDK's HTTP server: three fixed GET endpoints scraped every few seconds
 * need nothing more, and it keeps the service's web stack (Vert.x) for the API client only.
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts serving.
     *
     * @param port 0 for a free port (see {@link #port()})
     * @throws java.io.UncheckedIOException naming host and port when the address cannot be bound
     */
    public static OpsServer start(String host, int port, Supplier<Health> health, PrometheusMeterRegistry metrics) {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot serve health and metrics on " + host + ":" + port
                    + " (" + e.getMessage() + "); set ops.port to a free port", e);
        }
        s.createContext("/health/live", ex -> {
            Health h = health.get();
            respond(ex, h.live() ? 200 : 503, "application/json", json(h.live(), h.detail()));
        });
        s.createContext("/health/ready", ex -> {
            Health h = health.get();
            respond(ex, h.ready() ? 200 : 503, "application/json", json(h.ready(), h.detail()));
        });
        s.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        s.createContext("/", ex -> respond(ex, 404, "text/plain", "not found: try /health/live, /health/ready, /metrics\n"));
        s.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "enricher-ops");
            t.setDaemon(true);
            return t;
        }));
        s.start();
        return new OpsServer(s);
    }

    private static String json(boolean ok, String detail) {
        return "{\"status\":\"" + (ok ? "UP" : "DOWN") + "\",\"detail\":\"" + detail.replace("\\", "\\\\")
                .replace("\"", "\\\"") + "\"}\n";
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
