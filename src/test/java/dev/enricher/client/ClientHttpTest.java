package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.client.ScriptedServer.Answer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real client against a scripted loopback server: wire format, error shapes, retries, limits. */
class ClientHttpTest {
    private static final ApiKey KEY = ApiKey.of("zgpu-api-test-secret-42");
    private final ScriptedServer server = new ScriptedServer();
    private final List<ZeroGpuClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(ZeroGpuClient::close);
        server.close();
    }

    private ZeroGpuClient client(ClientConfig.Builder b) {
        ZeroGpuClient c = ZeroGpuClient.create(b.baseUrl(server.baseUrl()).build());
        clients.add(c);
        return c;
    }

    private ClientConfig.Builder fastRetries() {
        return ClientConfig.builder().apiKey(KEY).random(new Random(7))
                .retry(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5),
                        Duration.ofSeconds(30)));
    }

    private static ZeroGpuException failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ZeroGpuException.class);
            return (ZeroGpuException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    private static CompletableFuture<ChatCompletion> call(ZeroGpuClient c) {
        return c.complete(ChatRequest.builder("zlm-v1-iab-classify-edge").user("hello world").build()).toCompletableFuture();
    }

    @Test
    void sendsTheDocumentedRequestAndReadsTheEnvelope() throws Exception {
        server.then(Answer.ok());
        ZeroGpuClient c = client(fastRetries().projectId("5f0c6c36-8f43-4a8e-9a57-0c5c7f3e9a11"));
        ChatRequest request = ChatRequest.builder("gliner-multi-pii-v1").system("sys").user("Jane at jane@x.io")
                .metadata("usecase", "redact").metadata("threshold", 0.5).field("categories", List.of("contact"))
                .build();
        ChatCompletion completion = c.complete(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(completion.content()).isEqualTo("hello");
        assertThat(completion.requestId()).isEqualTo("req_ok");
        assertThat(completion.attempts()).isEqualTo(1);
        assertThat(completion.usage().totalTokens()).isEqualTo(7);

        ScriptedServer.Received r = server.received().get(0);
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.headers()).containsEntry("x-api-key", "zgpu-api-test-secret-42")
                .containsEntry("x-project-id", "5f0c6c36-8f43-4a8e-9a57-0c5c7f3e9a11")
                .containsEntry("content-type", "application/json")
                .doesNotContainKey("authorization");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("model").asText()).isEqualTo("gliner-multi-pii-v1");
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Jane at jane@x.io");
        assertThat(body.at("/metadata/usecase").asText()).isEqualTo("redact");
        assertThat(body.at("/categories/0").asText()).isEqualTo("contact");
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void aBodyAlreadyWrittenForTheCallsKeyIsSentAsItIs() throws Exception {
        server.then(Answer.ok());
        ChatRequest request = ChatRequest.builder("zlm-v1-iab-classify-edge").user("hello world").build();
        // Bytes the transport would not write itself (extra spaces): what goes on the wire is what was given.
        byte[] written = new String(new ChatWire().requestBody(request), java.nio.charset.StandardCharsets.UTF_8)
                .replace(",", ", ").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (ChatTransport t = ChatTransport.create(fastRetries().baseUrl(server.baseUrl()).build())) {
            assertThat(t.send(request, written).toCompletableFuture().get(10, TimeUnit.SECONDS).content())
                    .isEqualTo("hello");
        }
        assertThat(server.received().get(0).body())
                .isEqualTo(new String(written, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void bearerSchemeForOpenAiCompatibleServers() throws Exception {
        server.then(Answer.ok());
        ZeroGpuClient c = client(fastRetries().authHeader("Authorization").authScheme("Bearer"));
        call(c).get(10, TimeUnit.SECONDS);
        assertThat(server.received().get(0).headers()).containsEntry("authorization", "Bearer zgpu-api-test-secret-42")
                .doesNotContainKey("x-api-key");
    }

    @Test
    void everyErrorBodyShapeBecomesOneTypedError() {
        ZeroGpuClient c = client(fastRetries());
        Map<String, String> shapes = Map.of(
                "{\"error\":{\"message\":\"bad messages\",\"type\":\"invalid_request_error\",\"param\":\"messages\"}}",
                "bad messages",
                "{\"error\":\"invalid_body\"}", "invalid_body",
                "{\"message\":\"top-level message\"}", "top-level message",
                "{\"detail\":\"detail message\"}", "detail message",
                "<html>oops</html>", "HTTP 400 with a non-JSON body: <html>oops</html>",
                "", "HTTP 400 with an empty body");
        shapes.forEach((body, message) -> {
            server.then(Answer.status(400, body));
            ZeroGpuException e = failure(call(c));
            assertThat(e.disposition()).isEqualTo(Disposition.RECORD);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.apiMessage()).isEqualTo(message);
            assertThat(e.requestId()).isEqualTo("req_400");
            assertThat(e.attempts()).isEqualTo(1);
        });
        assertThat(server.received()).hasSize(shapes.size()); // RECORD errors are never retried
    }

    @Test
    void operatorErrorsAreNotRetriedAndNeverShowTheKey() {
        ZeroGpuClient c = client(fastRetries());
        server.then(Answer.status(403, "{\"error\":{\"message\":\"Invalid credentials: zgpu-api-test-secret-42\"}}"),
                Answer.status(429, "{\"error\":{\"message\":\"quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"),
                Answer.status(401, "{\"error\":{\"message\":\"Missing authentication headers\"}}"));
        for (int status : new int[] {403, 429, 401}) {
            ZeroGpuException e = failure(call(c));
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.disposition()).isEqualTo(Disposition.OPERATOR);
            assertThat(e.getMessage()).doesNotContain("test-secret-42");
            assertThat(String.valueOf(e)).doesNotContain("test-secret-42");
        }
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void transientErrorsAreRetriedUntilSuccess() throws Exception {
        server.then(Answer.status(503, ""), Answer.status(500, "{\"error\":{\"message\":\"boom\"}}"),
                Answer.status(429, "{\"error\":{\"type\":\"rate_limit_exceeded\",\"message\":\"slow\"}}"), Answer.ok());
        ZeroGpuClient c = client(fastRetries());
        ChatCompletion completion = call(c).get(10, TimeUnit.SECONDS);
        assertThat(completion.attempts()).isEqualTo(4);
        assertThat(server.received()).hasSize(4);
        assertThat(c.stats().retries()).isEqualTo(3);
        assertThat(c.stats().rateLimited()).isEqualTo(1);
    }

    @Test
    void retriesEndAtMaxAttemptsWithTheLastError() {
        server.otherwise(r -> Answer.status(502, "<html>Bad Gateway</html>"));
        ZeroGpuClient c = client(fastRetries());
        ZeroGpuException e = failure(call(c));
        assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        server.then(Answer.status(429, "{\"error\":{\"type\":\"rate_limit_exceeded\",\"message\":\"slow\"}}")
                .header("retry-after", "1"), Answer.ok());
        ZeroGpuClient c = client(fastRetries());
        call(c).get(10, TimeUnit.SECONDS);
        List<ScriptedServer.Received> r = server.received();
        assertThat(r).hasSize(2);
        long gapMs = TimeUnit.NANOSECONDS.toMillis(r.get(1).atNanos() - r.get(0).atNanos());
        assertThat(gapMs).isGreaterThanOrEqualTo(950); // the jittered backoff alone would be <= 10 ms
    }

    @Test
    void inFlightNeverExceedsTheCapCountedOnTheServer() {
        server.otherwise(r -> Answer.ok().delay(30));
        ZeroGpuClient c = client(fastRetries().maxInFlight(8).adaptiveConcurrency(false));
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(call(c));
        }
        assertThat(c.inFlight()).isLessThanOrEqualTo(8);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        assertThat(server.maxInFlight()).isEqualTo(8);
        assertThat(server.received()).hasSize(200);
        assertThat(c.inFlight()).isZero();
        assertThat(c.waiting()).isZero();
    }

    @Test
    void aLargeCapIsSpreadOverSeveralPoolsAndStillFillsAtOnce() {
        server.otherwise(r -> Answer.ok().delay(300));
        ClientConfig config = fastRetries().baseUrl(server.baseUrl()).maxInFlight(150).build();
        try (VertxTransport t = VertxTransport.create(config)) {
            assertThat(t.pools()).as("64 connections a pool at most").isEqualTo(3);
            ChatRequest request = ChatRequest.builder("zlm-v1-iab-classify-edge").user("hello world").build();
            List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                all.add(t.send(request).toCompletableFuture());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            assertThat(server.maxInFlight()).as("no call waited for a connection in its pool").isEqualTo(150);
        }
    }

    @Test
    void retriesCountAgainstTheCap() {
        Random coin = new Random(3);
        server.otherwise(r -> coin.nextBoolean() ? Answer.status(503, "").delay(5) : Answer.ok().delay(5));
        ZeroGpuClient c = client(fastRetries().maxInFlight(4).adaptiveConcurrency(false)
                .retry(new RetryPolicy(20, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(1),
                        Duration.ofSeconds(60))));
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(call(c));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        assertThat(c.stats().retries()).isPositive();
        assertThat(server.maxInFlight()).isLessThanOrEqualTo(4);
    }

    @Test
    void timeoutsAreTransientAndRetried() throws Exception {
        server.then(Answer.ok().delay(2_000), Answer.ok());
        ZeroGpuClient c = client(fastRetries().requestTimeout(Duration.ofMillis(200)));
        ChatCompletion completion = call(c).get(10, TimeUnit.SECONDS);
        assertThat(completion.attempts()).isEqualTo(2);

        server.otherwise(r -> Answer.ok().delay(2_000));
        ZeroGpuException e = failure(call(client(fastRetries().requestTimeout(Duration.ofMillis(100))
                .retry(RetryPolicy.defaults().withMaxAttempts(1)))));
        assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
    }

    @Test
    void connectionResetIsTransient() throws Exception {
        server.then(Answer.resetConnection(), Answer.ok());
        ChatCompletion completion = call(client(fastRetries())).get(10, TimeUnit.SECONDS);
        assertThat(completion.attempts()).isEqualTo(2);
    }

    @Test
    void refusedConnectionIsTransientConnectFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ZeroGpuClient c2 = ZeroGpuClient.create(fastRetries().baseUrl("http://127.0.0.1:" + port + "/v1")
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .build());
        clients.add(c2);
        ZeroGpuException e = failure(call(c2));
        assertThat(e.kind()).isEqualTo(FailureKind.CONNECT);
        assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
        assertThat(e.attempts()).isEqualTo(2);
    }

    @Test
    void malformedSuccessBodyIsTransientMalformedResponse() {
        server.otherwise(r -> Answer.status(200, "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":"));
        ZeroGpuException e = failure(call(client(fastRetries())));
        assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_RESPONSE);
        assertThat(e.disposition()).isEqualTo(Disposition.TRANSIENT);
        assertThat(e.attempts()).isEqualTo(4);
    }

    @Test
    void closeEndsEveryCallExactlyOnce() {
        server.otherwise(r -> Answer.ok().delay(5_000));
        ZeroGpuClient c = client(fastRetries().maxInFlight(2));
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(call(c));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.received().size() == 2);
        c.close();
        for (CompletableFuture<ChatCompletion> f : all) {
            assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(ZeroGpuException.class).hasMessageContaining("client closed");
        }
        assertThat(c.stats().failed()).isEqualTo(10);
        assertThat(failure(call(c)).kind()).isEqualTo(FailureKind.REJECTED);
    }

    @Test
    void rateLimitSpacesAttempts() {
        ZeroGpuClient c = client(fastRetries().requestsPerSecond(50));
        long start = System.nanoTime();
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add(call(c));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Burst of 5, then 25 more at 50/s: at least ~500 ms.
        assertThat(ms).isGreaterThanOrEqualTo(450);
    }
}
