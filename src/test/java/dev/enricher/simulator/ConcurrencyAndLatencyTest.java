package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The concurrency ceiling queues in order and overflows to 503; the fixed latency is honoured. */
class ConcurrencyAndLatencyTest {
    static final String BODY = SimHttp.body(ModelCatalog.DEBERTA, "hello").replace("\"messages\"",
            "\"categories\":[\"a\",\"b\"],\"messages\"");

    @Test
    void fixedLatencyIsALowerBound() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(250)).build())) {
            SimHttp h = new SimHttp(s);
            long t0 = System.nanoTime();
            assertThat(h.post(BODY).statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void requestsBeyondTheCeilingWaitAndCountAsInFlight() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(300))
                .maxConcurrency(2).queueCapacity(10).build())) {
            long t0 = System.nanoTime();
            List<HttpResponse<String>> rs = fire(s, 6);
            assertThat(rs).extracting(HttpResponse::statusCode).containsOnly(200);
            // three waves of two behind a ceiling of two
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(s.stats().maxInFlight()).isGreaterThan(2).isLessThanOrEqualTo(6);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.stats().inFlight() == 0 && s.stats().queued() == 0);
        }
    }

    @Test
    void aFullQueueAnswers503() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(500))
                .maxConcurrency(1).queueCapacity(1).build())) {
            List<HttpResponse<String>> rs = fire(s, 6);
            long overloaded = rs.stream().filter(r -> r.statusCode() == 503).count();
            assertThat(overloaded).isPositive();
            assertThat(rs.stream().filter(r -> r.statusCode() == 200).count()).isGreaterThanOrEqualTo(2);
            assertThat(s.stats().overloaded()).isEqualTo(overloaded);
            rs.stream().filter(r -> r.statusCode() == 503)
                    .forEach(r -> assertThat(SimHttp.json(r.body()).at("/error/code").asText()).isEqualTo("overloaded"));
        }
    }

    private static List<HttpResponse<String>> fire(Simulator s, int n) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(client.sendAsync(HttpRequest.newBuilder(URI.create(s.baseUrl() + "/chat/completions"))
                    .header("x-api-key", SimHttp.KEY).POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> out = new ArrayList<>();
        fs.forEach(f -> out.add(f.join()));
        return out;
    }
}
