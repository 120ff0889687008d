package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Injected faults: rates with a fixed seed, rate limits, switches through the admin API, hangs and resets. */
class FaultInjectionTest {
    static Simulator sim;
    static SimHttp http;
    static final String BODY = SimHttp.body(ModelCatalog.IAB, "The football match ended late.");

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).seed(1234).instances(2).build());
        http = new SimHttp(sim);
    }

    @AfterEach
    void clearFaults() {
        sim.faults(FaultSettings.none());
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().inFlight() == 0);
        sim.resetStats();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void noFaultsMeansEveryRequestSucceeds() {
        for (int i = 0; i < 30; i++) {
            assertThat(http.post(BODY).statusCode()).isEqualTo(200);
        }
        assertThat(sim.stats().count(200)).isEqualTo(30);
        assertThat(sim.stats().requests()).isEqualTo(30);
    }

    @Test
    void rateLimitAtRateOneAnswers429WithRetryAfter() {
        sim.faults(FaultSettings.none().withRateLimitRate(1.0).withRetryAfterSeconds(7));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http.post(BODY);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).hasValue("7");
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
            JsonNode e = SimHttp.json(r.body()).get("error");
            assertThat(e.get("type").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        }
    }

    @Test
    void serverErrorsUseTheConfiguredStatuses() {
        sim.faults(FaultSettings.none().withServerErrorRate(1.0).withServerErrorStatuses(List.of(502, 504)));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = http.post(BODY);
            assertThat(r.statusCode()).isIn(502, 504);
            assertThat(SimHttp.json(r.body()).at("/error/type").asText()).isEqualTo("server_error");
        }
        assertThat(sim.stats().count(502) + sim.stats().count(504)).isEqualTo(20);
    }

    @Test
    void aThirdOfRequestsFailAtRatePointThree() {
        sim.faults(FaultSettings.none().withServerErrorRate(0.3));
        int n = 600;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            if (http.post(BODY).statusCode() >= 500) {
                failed++;
            }
        }
        // Binomial(600, 0.3): mean 180, sd ~11; +-5 sd keeps a fixed-seed test far from flaky.
        assertThat(failed).isBetween(125, 235);
    }

    @Test
    void theSameSeedRepeatsTheSameFaults() {
        List<Integer> first = statuses(77);
        List<Integer> second = statuses(77);
        assertThat(first).isEqualTo(second).contains(200, 429);
    }

    private static List<Integer> statuses(long seed) {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).seed(seed).instances(1)
                .faults(FaultSettings.none().withRateLimitRate(0.5)).build())) {
            SimHttp h = new SimHttp(s);
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                out.add(h.post(BODY).statusCode());
            }
            return out;
        }
    }

    @Test
    void requestsPerSecondLimitAnswers429AboveIt() {
        sim.faults(FaultSettings.none().withRequestsPerSecond(5));
        long started = System.nanoTime();
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = http.post(BODY);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.headers().firstValue("retry-after")).isPresent();
                assertThat(SimHttp.json(r.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
                limited++;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(ok).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(5 + (int) Math.ceil(seconds * 5) + 1);
        assertThat(limited).isPositive();
    }

    @Test
    void outageSwitchThroughTheAdminApi() {
        HttpResponse<String> put = http.admin("PUT", "/admin/faults", "{\"outage\":true}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(SimHttp.json(put.body()).get("outage").asBoolean()).isTrue();
        assertThat(SimHttp.json(http.admin("GET", "/admin/faults", null).body()).get("outage").asBoolean()).isTrue();
        assertThat(sim.faults().outage()).isTrue();
        HttpResponse<String> down = http.post(BODY);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(http.post(BODY, Map.of()).statusCode()).as("outage comes before auth").isEqualTo(503);
        http.admin("PUT", "/admin/faults", "{\"outage\":false}");
        assertThat(http.post(BODY).statusCode()).isEqualTo(200);
    }

    @Test
    void quotaSwitchThroughTheAdminApiIn429And420Flavours() {
        http.admin("PUT", "/admin/faults", "{\"quotaExhausted\":true}");
        HttpResponse<String> r = http.post(BODY);
        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode e = SimHttp.json(r.body()).get("error");
        assertThat(e.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(e.get("code").asText()).isEqualTo("insufficient_quota");
        http.admin("PUT", "/admin/faults", "{\"quotaStatus\":420}");
        assertThat(http.post(BODY).statusCode()).isEqualTo(420);
        assertThat(http.post(BODY, Map.of()).statusCode()).as("auth comes before quota").isEqualTo(401);
    }

    @Test
    void adminRefusesUnknownOrInvalidFields() {
        HttpResponse<String> unknown = http.admin("PUT", "/admin/faults", "{\"outgae\":true}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("outgae");
        HttpResponse<String> invalid = http.admin("PUT", "/admin/faults", "{\"resetRate\":1.5}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("resetRate");
        assertThat(sim.faults()).isEqualTo(FaultSettings.none());
    }

    @Test
    void adminStatsAndReset() {
        http.post(BODY);
        http.post(BODY, Map.of());
        JsonNode stats = SimHttp.json(http.admin("GET", "/admin/stats", null).body());
        assertThat(stats.get("requests").asLong()).isEqualTo(2);
        assertThat(stats.at("/byStatus/200").asLong()).isEqualTo(1);
        assertThat(stats.at("/byStatus/401").asLong()).isEqualTo(1);
        assertThat(http.admin("POST", "/admin/stats/reset", null).statusCode()).isEqualTo(204);
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void malformedBodiesAre200WithBrokenJson() {
        sim.faults(FaultSettings.none().withMalformedRate(1.0));
        HttpResponse<String> r = http.post(BODY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> SimHttp.JSON.readTree(r.body())).isInstanceOf(IOException.class);
        assertThat(sim.stats().malformed()).isEqualTo(1);
    }

    @Test
    void noAnswerHoldsUntilTheClientGivesUpAndThenFreesTheRequest() {
        sim.faults(FaultSettings.none().withTimeoutRate(1.0));
        assertThatThrownBy(() -> http.post(BODY, Map.of("x-api-key", SimHttp.KEY), Duration.ofMillis(300)))
                .hasCauseInstanceOf(HttpTimeoutException.class);
        assertThat(sim.stats().timeouts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(sim.stats().held()).isZero();
            assertThat(sim.stats().inFlight()).isZero();
        });
    }

    @Test
    void heldRequestsAreReleasedAfterTheHoldLimit() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).instances(1)
                .holdLimit(Duration.ofMillis(300)).faults(FaultSettings.none().withTimeoutRate(1.0)).build())) {
            SimHttp h = new SimHttp(s);
            assertThatThrownBy(() -> h.post(BODY)).isInstanceOf(UncheckedIOException.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(s.stats().held()).isZero();
                assertThat(s.stats().inFlight()).isZero();
            });
        }
    }

    @Test
    void heldRequestsAreReleasedOnClose() {
        Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).instances(1)
                .faults(FaultSettings.none().withTimeoutRate(1.0)).build());
        SimHttp h = new SimHttp(s);
        var pending = h.http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + "/chat/completions"))
                .header("x-api-key", SimHttp.KEY).POST(java.net.http.HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().held() == 1);
        s.close();
        s.close(); // idempotent
        await().atMost(Duration.ofSeconds(10)).until(pending::isDone);
        assertThat(pending).isCompletedExceptionally();
    }

    @Test
    void resetClosesTheConnectionWithoutAnAnswer() {
        sim.faults(FaultSettings.none().withResetRate(1.0));
        assertThatThrownBy(() -> http.post(BODY)).isInstanceOf(UncheckedIOException.class);
        assertThat(sim.stats().resets()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().inFlight() == 0);
        sim.faults(FaultSettings.none());
        assertThat(http.post(BODY).statusCode()).as("the server lives on").isEqualTo(200);
    }

    @Test
    void aSlowAnswerComesLateButWhole() {
        sim.faults(FaultSettings.none().withSlowRate(1.0).withSlowMillis(600));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.post(BODY);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(tookMs).as("answered after the extra latency").isGreaterThanOrEqualTo(600);
        assertThat(SimHttp.json(r.body()).at("/choices/0/message/content").asText())
                .isEqualTo(sim.answerContent(BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(sim.stats().count(200)).as("a slow answer is a paid answer").isEqualTo(1);
    }

    @Test
    void slowRateAndMillisAreValidated() {
        assertThatThrownBy(() -> FaultSettings.none().withSlowRate(1.5)).hasMessageContaining("slowRate");
        assertThatThrownBy(() -> FaultSettings.none().withSlowMillis(-1)).hasMessageContaining("slowMillis");
    }

    @Test
    void answerContentIsWhatTheApiAnswersAndRefusesWhatTheApiRefuses() {
        for (String text : List.of("The football match ended late.", "Mail jane@example.com about the offer.")) {
            String body = SimHttp.body(ModelCatalog.GLINER_PII, text);
            HttpResponse<String> r = http.post(body);
            assertThat(sim.answerContent(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isEqualTo(SimHttp.json(r.body()).at("/choices/0/message/content").asText());
        }
        assertThatThrownBy(() -> sim.answerContent(SimHttp.body("no-such-model", "x").getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-model");
        assertThat(sim.stats().requests()).as("answerContent counts nothing").isEqualTo(2);
    }
}
