package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What configuration changes: auth, project, unknown-model status, over-limit mode, catalog, formats, binding. */
class ConfigVariantsTest {
    private static Simulator start(SimulatorConfig.Builder b) {
        return Simulator.start(b.fixedLatency(Duration.ZERO).instances(1).build());
    }

    @Test
    void acceptsOnlyTheConfiguredKey() {
        try (Simulator s = start(SimulatorConfig.builder().acceptedApiKey("zgpu-api-only"))) {
            SimHttp h = new SimHttp(s);
            String body = SimHttp.body(ModelCatalog.LLAMA, "hi");
            assertThat(h.post(body, Map.of("x-api-key", "zgpu-api-only")).statusCode()).isEqualTo(200);
            assertThat(h.post(body, Map.of("x-api-key", "zgpu-api-other")).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void wrongProjectIs403AndAbsentProjectIsFine() {
        try (Simulator s = start(SimulatorConfig.builder().projectId("0b0e6f3e-0000-4000-8000-000000000001"))) {
            SimHttp h = new SimHttp(s);
            String body = SimHttp.body(ModelCatalog.LLAMA, "hi");
            assertThat(h.post(body, Map.of("x-api-key", SimHttp.KEY,
                    "x-project-id", "0b0e6f3e-0000-4000-8000-000000000001")).statusCode()).isEqualTo(200);
            HttpResponse<String> wrong = h.post(body, Map.of("x-api-key", SimHttp.KEY, "x-project-id", "other"));
            assertThat(wrong.statusCode()).isEqualTo(403);
            assertThat(SimHttp.json(wrong.body()).at("/error/message").asText()).isEqualTo("Invalid credentials");
            assertThat(h.post(body).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void bearerModeReadsTheAuthorizationHeader() {
        try (Simulator s = start(SimulatorConfig.builder().bearerAuth())) {
            SimHttp h = new SimHttp(s);
            String body = SimHttp.body(ModelCatalog.LLAMA, "hi");
            assertThat(h.post(body, Map.of("Authorization", "Bearer zgpu-x")).statusCode()).isEqualTo(200);
            assertThat(h.post(body, Map.of("Authorization", "Bearer sk-x")).statusCode()).isEqualTo(403);
            assertThat(h.post(body, Map.of("x-api-key", "zgpu-x")).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void unknownModelCanBe400WithParamModel() {
        try (Simulator s = start(SimulatorConfig.builder().unknownModelStatus(400)
                .catalog(ModelCatalog.defaults().without(ModelCatalog.FOLLOWUP)))) {
            HttpResponse<String> r = new SimHttp(s).post(SimHttp.body(ModelCatalog.FOLLOWUP, "retired"));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(SimHttp.json(r.body()).at("/error/param").asText()).isEqualTo("model");
            assertThat(SimHttp.json(r.body()).at("/error/code").asText()).isEqualTo("model_not_found");
        }
    }

    @Test
    void truncateModeAnswersWithTheInputCut() {
        try (Simulator s = start(SimulatorConfig.builder().overLimitMode(OverLimitMode.TRUNCATE))) {
            HttpResponse<String> r = new SimHttp(s).post(SimHttp.body(ModelCatalog.IAB, "football ".repeat(500)));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(SimHttp.json(r.body()).at("/usage/prompt_tokens").asInt()).isLessThanOrEqualTo(400);
        }
        try (Simulator s = start(SimulatorConfig.builder().overLimitMode(OverLimitMode.ERROR_400))) {
            HttpResponse<String> r = new SimHttp(s).post(SimHttp.body(ModelCatalog.IAB, "football ".repeat(500)));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(SimHttp.json(r.body()).at("/error/code").asText()).isEqualTo("context_length_exceeded");
        }
    }

    @Test
    void truncateModeNeverCutsACharacterInTwo() {
        // 1 + 2 x 2000 UTF-16 units = 1001 tokens for the PII model's 800: the cut (at an even unit count) would
        // fall between the two halves of an emoji, leaving half a character a Python model could never see.
        String input = "a" + "\uD83D\uDE42".repeat(2000) + " mail john@example.com";
        try (Simulator s = start(SimulatorConfig.builder().overLimitMode(OverLimitMode.TRUNCATE))) {
            HttpResponse<String> r = new SimHttp(s).post(SimHttp.chat(ModelCatalog.GLINER_PII, null, input,
                    Map.of("usecase", "redact")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String seen = SimHttp.json(SimHttp.content(r)).get("redacted_text").asText();
            assertThat(seen.length()).as("cut").isLessThan(input.length());
            assertThat(input).startsWith(seen);
            assertThat(seen.chars().filter(c -> Character.isSurrogate((char) c)).count() % 2).isZero();
            assertThat(Character.isHighSurrogate(seen.charAt(seen.length() - 1))).isFalse();
        }
    }

    @Test
    void catalogLimitsAndNewModelsComeFromConfiguration() {
        ModelCatalog catalog = ModelCatalog.defaults().with(new ModelSpec("zlm-v3-iab-classify-edge-enriched", 10, 0.02, 0.05));
        try (Simulator s = start(SimulatorConfig.builder().catalog(catalog))) {
            SimHttp h = new SimHttp(s);
            HttpResponse<String> ok = h.post(SimHttp.body("zlm-v3-iab-classify-edge-enriched", "tennis"));
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(SimHttp.json(SimHttp.content(ok)).has("user_intent")).isTrue();
            assertThat(h.post(SimHttp.body("zlm-v3-iab-classify-edge-enriched", "x".repeat(41))).statusCode()).isEqualTo(420);
        }
    }

    @Test
    void followupsCanUseTheOlderNewlineFormat() {
        try (Simulator s = start(SimulatorConfig.builder().followupFormat(FollowupFormat.NEWLINES))) {
            String c = SimHttp.content(new SimHttp(s).post(SimHttp.body(ModelCatalog.FOLLOWUP, "Solar panels on roofs")));
            assertThat(c).doesNotStartWith("[");
            assertThat(c.split("\n")).hasSizeBetween(3, 4).allSatisfy(q -> assertThat(q).endsWith("?"));
        }
    }

    @Test
    void aTakenPortFailsWithAClearMessage() {
        try (Simulator s = start(SimulatorConfig.builder())) {
            assertThatThrownBy(() -> start(SimulatorConfig.builder().port(s.port())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + s.port());
        }
    }

    @Test
    void invalidSettingsNameTheBadValue() {
        assertThatThrownBy(() -> FaultSettings.none().withTimeoutRate(2)).hasMessageContaining("timeoutRate").hasMessageContaining("2");
        assertThatThrownBy(() -> SimulatorConfig.builder().unknownModelStatus(410).build()).hasMessageContaining("410");
        assertThatThrownBy(() -> LatencyDistribution.of(500, 100)).hasMessageContaining("median=500");
    }

    @Test
    void latencyDistributionHasItsMedianAndALongTail() {
        LatencyDistribution d = LatencyDistribution.of(250, 800);
        assertThat(d.sampleMillis(0)).isEqualTo(250);
        assertThat(d.sampleMillis(2.3263478740408408)).isBetween(795L, 805L);
        assertThat(d.sampleMillis(-3)).isLessThan(250);
        assertThat(LatencyDistribution.fixed(40).sampleMillis(5)).isEqualTo(40);
    }
}
