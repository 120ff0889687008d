package dev.enricher.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A repeated request body reuses its answer but never its identity, and errors are never memoized. */
class AnswerMemoTest {
    private static Simulator sim;
    private static SimHttp http;

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimulatorConfig.builder().fixedLatency(java.time.Duration.ZERO).instances(1).build());
        http = new SimHttp(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void sameBodySameAnswerFreshIdentity() {
        String body = SimHttp.body("zlm-v1-iab-classify-edge", "The striker scored in the final minute of the derby.");
        HttpResponse<String> first = http.post(body);
        HttpResponse<String> second = http.post(body);
        JsonNode a = SimHttp.json(first.body());
        JsonNode b = SimHttp.json(second.body());
        assertThat(a.at("/choices/0/message/content")).isEqualTo(b.at("/choices/0/message/content"));
        assertThat(a.get("usage")).isEqualTo(b.get("usage"));
        assertThat(a.get("id").asText()).isNotEqualTo(b.get("id").asText())
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(b.get("created").asLong()).isGreaterThanOrEqualTo(a.get("created").asLong());
        assertThat(first.headers().firstValue("x-request-id")).isNotEqualTo(second.headers().firstValue("x-request-id"));
        // The whole envelope still parses as one object with every documented field, in order.
        assertThat(b.fieldNames()).toIterable().containsExactly("id", "object", "created", "model", "service_tier",
                "system_fingerprint", "choices", "usage");
    }

    @Test
    void errorsAreAnsweredEveryTimeNotMemoized() {
        String unknown = SimHttp.body("no-such-model", "hello");
        assertThat(http.post(unknown).statusCode()).isEqualTo(404);
        assertThat(http.post(unknown).statusCode()).isEqualTo(404);
        sim.faults(FaultSettings.none().withOutage(true));
        try {
            assertThat(http.post(SimHttp.body("zlm-v1-iab-classify-edge", "The striker scored in the final minute of the derby."))
                    .statusCode()).isEqualTo(503);
        } finally {
            sim.faults(FaultSettings.none());
        }
    }
}
