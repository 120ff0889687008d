package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire contract of {@code /v1/chat/completions}: envelope, request ids, auth and validation errors. */
class SimulatorContractTest {
    static Simulator sim;
    static SimHttp http;

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).instances(2).build());
        http = new SimHttp(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void baseUrlIsLoopbackWithTheBoundPort() {
        assertThat(sim.port()).isPositive();
        assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port() + "/v1");
    }

    @Test
    void envelopeHasExactlyTheObservedFields() {
        HttpResponse<String> r = http.post(SimHttp.body(ModelCatalog.LLAMA, "Kafka is a log. It stores events."));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode e = SimHttp.json(r.body());
        assertThat(fieldNames(e)).containsExactly("id", "object", "created", "model", "service_tier",
                "system_fingerprint", "choices", "usage");
        assertThat(e.get("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(e.get("object").asText()).isEqualTo("chat.completion");
        assertThat(e.get("created").asLong()).isBetween(System.currentTimeMillis() / 1000 - 60,
                System.currentTimeMillis() / 1000 + 60);
        assertThat(e.get("model").asText()).isEqualTo(ModelCatalog.LLAMA);
        assertThat(e.get("service_tier").asText()).isEqualTo("default");
        assertThat(e.get("system_fingerprint").isNull()).isTrue();
        assertThat(e.get("choices")).hasSize(1);
        JsonNode c = e.at("/choices/0");
        assertThat(fieldNames(c)).containsExactly("index", "message", "logprobs", "finish_reason");
        assertThat(c.get("index").asInt()).isZero();
        assertThat(c.get("logprobs").isNull()).isTrue();
        assertThat(c.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode m = c.get("message");
        assertThat(fieldNames(m)).containsExactly("role", "content", "refusal", "annotations");
        assertThat(m.get("role").asText()).isEqualTo("assistant");
        assertThat(m.get("content").asText()).isNotBlank();
        assertThat(m.get("refusal").isNull()).isTrue();
        assertThat(m.get("annotations").isArray() && m.get("annotations").isEmpty()).isTrue();
        JsonNode u = e.get("usage");
        assertThat(u.get("prompt_tokens").asInt()).isEqualTo((34 + 3) / 4);
        assertThat(u.get("completion_tokens").asInt()).isPositive();
        assertThat(u.get("total_tokens").asInt()).isEqualTo(u.get("prompt_tokens").asInt() + u.get("completion_tokens").asInt());
        assertThat(u.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(u.at("/prompt_tokens_details/audio_tokens").asInt()).isZero();
        assertThat(u.at("/completion_tokens_details/reasoning_tokens").asInt()).isZero();
        assertThat(r.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).matches("req_[A-Za-z0-9]{24}"));
    }

    @Test
    void everyAnswerCarriesADistinctRequestId() {
        List<HttpResponse<String>> rs = List.of(
                http.post(SimHttp.body(ModelCatalog.LLAMA, "hello")),
                http.post(SimHttp.body(ModelCatalog.LLAMA, "hello"), Map.of()),
                http.post(SimHttp.body(ModelCatalog.LLAMA, "hello"), Map.of("x-api-key", "nope")),
                http.post("{not json", Map.of("x-api-key", SimHttp.KEY)),
                http.post(SimHttp.body("retired-model", "hello")));
        assertThat(rs).extracting(HttpResponse::statusCode).containsExactly(200, 401, 403, 400, 404);
        List<String> ids = new ArrayList<>();
        for (HttpResponse<String> r : rs) {
            String id = r.headers().firstValue("x-request-id").orElseThrow();
            assertThat(id).startsWith("req_");
            ids.add(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void missingKeyIs401AndWrongKeyIs403() {
        HttpResponse<String> missing = http.post(SimHttp.body(ModelCatalog.LLAMA, "hi"), Map.of());
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(SimHttp.json(missing.body()).at("/error/message").asText()).isEqualTo("Missing authentication headers");
        HttpResponse<String> wrong = http.post(SimHttp.body(ModelCatalog.LLAMA, "hi"), Map.of("x-api-key", "sk-openai"));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(SimHttp.json(wrong.body()).at("/error/message").asText()).isEqualTo("Invalid credentials");
        HttpResponse<String> bearer = http.post(SimHttp.body(ModelCatalog.LLAMA, "hi"),
                Map.of("Authorization", "Bearer " + SimHttp.KEY));
        assertThat(bearer.statusCode()).as("ZeroGPU mode ignores Authorization").isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | {oops | invalid_json | ",
            "array body | [1,2] | invalid_json | ",
            "no model | {\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | missing_required_parameter | model",
            "no messages | {\"model\":\"deberta-v3-small\"} | missing_required_parameter | messages",
            "messages not array | {\"model\":\"deberta-v3-small\",\"messages\":\"hi\"} | invalid_type | messages",
            "empty messages | {\"model\":\"deberta-v3-small\",\"messages\":[]} | empty_array | messages",
            "no role | {\"model\":\"deberta-v3-small\",\"messages\":[{\"content\":\"x\"}]} | missing_required_parameter | messages[0].role",
            "bad role | {\"model\":\"deberta-v3-small\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]} | invalid_value | messages[0].role",
            "no content | {\"model\":\"deberta-v3-small\",\"messages\":[{\"role\":\"user\"}]} | missing_required_parameter | messages[0].content",
            "empty content | {\"model\":\"deberta-v3-small\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}]} | string_too_short | messages[0].content",
            "stream | {\"model\":\"llama-3.1-8b-instruct-fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} | unsupported_parameter | stream",
    })
    void invalidBodiesAre400WithTheNestedErrorShape(String name, String body, String code, String param) {
        HttpResponse<String> r = http.post(body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = SimHttp.json(r.body()).get("error");
        assertThat(fieldNames(error)).containsExactly("message", "type", "code", "param");
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }

    @Test
    void overLongContentIs400() {
        String huge = "a".repeat(RequestParser.MAX_CONTENT_CHARS + 1);
        HttpResponse<String> r = http.post(SimHttp.body(ModelCatalog.LLAMA, huge));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(SimHttp.json(r.body()).at("/error/code").asText()).isEqualTo("string_too_long");
        HttpResponse<String> ok = http.post(SimHttp.body(ModelCatalog.LLAMA, "b".repeat(RequestParser.MAX_CONTENT_CHARS)));
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownModelIs404ByDefault() {
        HttpResponse<String> r = http.post(SimHttp.body("gpt-4o", "hi"));
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode error = SimHttp.json(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("model_not_found");
        assertThat(error.get("message").asText()).contains("gpt-4o");
    }

    @Test
    void inputOverTheModelLimitIs420ContextLengthExceeded() {
        // deberta: 400 tokens ~ 1600 chars with the ceil(chars/4) estimate
        HttpResponse<String> r = http.post(SimHttp.chat(ModelCatalog.DEBERTA, "[a, b]", "word ".repeat(400), null));
        assertThat(r.statusCode()).isEqualTo(420);
        JsonNode error = SimHttp.json(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(error.get("message").asText()).contains("400");
        HttpResponse<String> fits = http.post(SimHttp.chat(ModelCatalog.DEBERTA, "[a, b]", "x".repeat(1580), null));
        assertThat(fits.statusCode()).isEqualTo(200);
    }

    @Test
    void sameInputGivesTheSameContent() {
        for (String model : List.of(ModelCatalog.IAB, ModelCatalog.IAB_ENRICHED, ModelCatalog.FOLLOWUP,
                ModelCatalog.GLINER_PII, ModelCatalog.GLINER2, ModelCatalog.LLAMA, ModelCatalog.LFM_THINKING)) {
            String body = SimHttp.body(model, "Maria Lopez from Madrid emailed maria@example.org about the football final.");
            assertThat(SimHttp.content(http.post(body))).as(model).isEqualTo(SimHttp.content(http.post(body)));
        }
        String z = SimHttp.chat(ModelCatalog.DEBERTA, "[sports, finance, cooking]", "The striker scored a goal", null);
        assertThat(SimHttp.content(http.post(z))).isEqualTo(SimHttp.content(http.post(z)));
    }

    @Test
    void recentRequestsKeepPathLowerCaseHeadersAndBody() {
        String body = SimHttp.body(ModelCatalog.LLAMA, "recorded " + System.nanoTime());
        http.post(body, Map.of("x-api-key", SimHttp.KEY, "X-Project-Id", "p-1"));
        RecordedRequest last = sim.recentRequests().stream().filter(r -> r.body().equals(body)).findFirst().orElseThrow();
        assertThat(last.path()).isEqualTo("/v1/chat/completions");
        assertThat(last.headers()).containsEntry("x-api-key", SimHttp.KEY).containsEntry("x-project-id", "p-1");
        assertThat(last.receivedAtMillis()).isPositive();
    }

    @Test
    void unknownPathIs404WithRequestId() {
        HttpResponse<String> r = http.admin("GET", "/v1/nothing", null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        assertThat(SimHttp.json(r.body()).at("/error/message").asText()).isNotBlank();
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
