package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    private static final ApiKey KEY = ApiKey.of("zgpu-api-supersecret123");
    private final ErrorClassifier classifier = new ErrorClassifier(new ObjectMapper(), KEY);

    private ZeroGpuException classify(int status, String body) {
        return classifier.fromStatus(status, body.getBytes(StandardCharsets.UTF_8), "req_abc", Optional.empty(), "m");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "400|{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"code\":null,\"param\":\"messages\"}}|RECORD",
        "400|{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}|RECORD",
        "401|{\"error\":{\"message\":\"Missing authentication headers\"}}|OPERATOR",
        "403|{\"error\":{\"message\":\"Invalid credentials\"}}|OPERATOR",
        "404|{\"error\":{\"message\":\"The model 'x' does not exist\",\"param\":\"model\"}}|RECORD",
        "404|<html>Not Found</html>|OPERATOR",
        "405|{\"detail\":\"Method Not Allowed\"}|OPERATOR",
        "408|{\"error\":\"timeout\"}|TRANSIENT",
        "409|{\"message\":\"conflict\"}|TRANSIENT",
        "413|{\"error\":{\"message\":\"Request body too large\"}}|RECORD",
        "420|{\"error\":{\"message\":\"input too long\",\"code\":\"context_length_exceeded\"}}|RECORD",
        "420|{\"error\":{\"message\":\"no credit\",\"code\":\"insufficient_quota\"}}|OPERATOR",
        "429|{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_exceeded\",\"code\":\"rate_limit_exceeded\"}}|TRANSIENT",
        "429|{\"error\":{\"message\":\"You exceeded your quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}|OPERATOR",
        "429|{\"error\":\"insufficient_quota\"}|OPERATOR",
        "500|{\"error\":{\"message\":\"boom\"}}|TRANSIENT",
        "502|<html><body>Bad Gateway</body></html>|TRANSIENT",
        "503||TRANSIENT",
        "504|{\"detail\":\"upstream timeout\"}|TRANSIENT",
        "422|{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\"}]}|RECORD",
    })
    void everyStatusGetsTheDispositionOfWhoCanFixIt(int status, String body, Disposition expected) {
        ZeroGpuException e = classify(status, body == null ? "" : body);
        assertThat(e.disposition()).isEqualTo(expected);
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.kind()).isEqualTo(FailureKind.HTTP_STATUS);
        assertThat(e.requestId()).isEqualTo("req_abc");
        assertThat(e.apiMessage()).isNotBlank();
    }

    @Test
    void nestedErrorFieldsAreKept() {
        ZeroGpuException e = classify(400, "{\"error\":{\"message\":\"messages must be an array\","
                + "\"type\":\"invalid_request_error\",\"code\":\"invalid_value\",\"param\":\"messages\"}}");
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.code()).isEqualTo("invalid_value");
        assertThat(e.param()).isEqualTo("messages");
        assertThat(e.apiMessage()).isEqualTo("messages must be an array");
        assertThat(e.getMessage()).contains("status=400", "request_id=req_abc", "messages must be an array");
    }

    @Test
    void bareStringErrorIsMessageAndCode() {
        ZeroGpuException e = classify(429, "{\"error\":\"rate_limit_exceeded\"}");
        assertThat(e.code()).isEqualTo("rate_limit_exceeded");
        assertThat(e.apiMessage()).isEqualTo("rate_limit_exceeded");
        assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
    }

    @Test
    void topLevelMessageAndDetailAreRead() {
        assertThat(classify(400, "{\"message\":\"invalid model\",\"code\":\"bad_model\"}").apiMessage())
                .isEqualTo("invalid model");
        assertThat(classify(400, "{\"message\":\"invalid model\",\"code\":\"bad_model\"}").code()).isEqualTo("bad_model");
        assertThat(classify(400, "{\"detail\":\"Not authenticated\"}").apiMessage()).isEqualTo("Not authenticated");
        assertThat(classify(422, "{\"detail\":[{\"msg\":\"field required\"},{\"msg\":\"bad type\"}]}").apiMessage())
                .isEqualTo("field required; bad type");
    }

    @Test
    void nonJsonAndEmptyBodiesStillGiveAMessage() {
        assertThat(classify(502, "<html>\n<body>Bad   Gateway</body></html>").apiMessage())
                .isEqualTo("HTTP 502 with a non-JSON body: <html> <body>Bad Gateway</body></html>");
        assertThat(classify(503, "").apiMessage()).isEqualTo("HTTP 503 with an empty body");
        assertThat(classify(500, "[1,2]").apiMessage()).startsWith("HTTP 500 with a non-JSON body");
        assertThat(classify(500, "{\"error\":{}}").apiMessage()).contains("without a message");
    }

    @Test
    void theKeyNeverAppearsEvenWhenTheServerEchoesIt() {
        ZeroGpuException e = classify(403, "{\"error\":{\"message\":\"Invalid credentials for key zgpu-api-supersecret123\"}}");
        assertThat(e.getMessage()).doesNotContain("supersecret").contains("zgpu-***");
        assertThat(e.apiMessage()).doesNotContain("supersecret");
    }

    @Test
    void retryAfterIsCarried() {
        ZeroGpuException e = classifier.fromStatus(429, "{\"error\":\"rate_limit_exceeded\"}".getBytes(StandardCharsets.UTF_8),
                "req_1", Optional.of(Duration.ofSeconds(3)), "m");
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(e.getMessage()).contains("retry_after_ms=3000");
    }

    @Test
    void networkFailuresAreTransientWithTheirKind() {
        assertThat(classifier.fromThrowable(new TimeoutException("late"), "m", Duration.ofSeconds(2)))
                .satisfies(e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT);
                    assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
                    assertThat(e.status()).isZero();
                    assertThat(e.apiMessage()).contains("2000 ms");
                });
        assertThat(classifier.fromThrowable(new ConnectException("Connection refused"), "m", Duration.ofSeconds(2)).kind())
                .isEqualTo(FailureKind.CONNECT);
        assertThat(classifier.fromThrowable(new java.io.IOException("Connection reset by peer"), "m", Duration.ofSeconds(2)).kind())
                .isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(classifier.fromThrowable(new RuntimeException(new ConnectException("x")), "m", Duration.ofSeconds(2)).kind())
                .isEqualTo(FailureKind.CONNECT);
    }
}
