package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.RecordedRequest;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.ClassificationResult;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.EntitiesResult;
import dev.enricher.tasks.ExtractionResult;
import dev.enricher.tasks.FollowupQuestionsResult;
import dev.enricher.tasks.IabEnrichedResult;
import dev.enricher.tasks.IabResult;
import dev.enricher.tasks.PiiResult;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskResult;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.tasks.TextResult;
import dev.enricher.tasks.ThinkingResult;
import dev.enricher.tasks.ZeroShotResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real client and every task against the simulator: wire shapes, typed results, faults, limits. */
class ClientAgainstSimulatorTest {
    static final String TEXT = "Hi, this is Jane Cooper. My order #4411 for the football boots never arrived. "
            + "Email me at jane.cooper@example.com or call +1 415 555 0132. I want a refund before the match on Sunday.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private Simulator simulator(SimulatorConfig.Builder b) {
        Simulator s = Simulator.start(b.build());
        resources.add(s);
        return s;
    }

    private ZeroGpuClient client(Simulator s, ClientConfig.Builder b) {
        ZeroGpuClient c = ZeroGpuClient.create(b.baseUrl(s.baseUrl()).build());
        resources.add(c);
        return c;
    }

    private static ClientConfig.Builder config() {
        return ClientConfig.builder().apiKey(ApiKey.of("zgpu-api-it")).random(new Random(11))
                .retry(new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(2),
                        Duration.ofSeconds(60)));
    }

    static Map<String, Object> options(TaskType type) {
        return switch (type) {
            case PII -> Map.of("usecase", "redact");
            case GLINER_NER -> Map.of("labels", List.of("person", "product", "event"));
            case GLINER_JSON -> Map.of("schema", Map.of("order", List.of("order_id::str::the order number",
                    "product::str::what was bought")));
            case GLINER_CLASSIFICATION -> Map.of("schema", Map.of("sentiment", List.of("positive", "negative", "neutral")));
            case ZERO_SHOT -> Map.of("labels", List.of("refund request", "praise", "shipping problem"));
            case TEXT_GENERATION -> Map.of("system_prompt", "Summarise the message in one sentence.");
            case PROMPT -> Map.of("system", "You judge customer messages.", "template", "{{text}}", "output",
                    Map.of("json-schema", Map.of("type", "object", "required", List.of("mood", "urgent"),
                            "properties", Map.of("mood", Map.of("type", "string", "enum", List.of("calm", "angry")),
                                    "urgent", Map.of("type", "boolean")))));
            default -> Map.of();
        };
    }

    @ParameterizedTest
    @EnumSource(TaskType.class)
    void everyTaskGetsATypedResultFromTheSimulator(TaskType type) throws Exception {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)));
        ZeroGpuClient client = client(sim, config());
        EnrichmentTask task = TaskFactory.create(new TaskSpec(null, type, null, options(type)));

        ChatCompletion completion = client.complete(task.request(TEXT)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        TaskResult result = task.parse(completion);

        assertThat(completion.requestId()).startsWith("req_");
        assertThat(completion.usage().promptTokens()).isPositive();
        RecordedRequest seen = sim.recentRequests().get(sim.recentRequests().size() - 1);
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.header("x-api-key")).isEqualTo("zgpu-api-it");
        JsonNode body = JSON.readTree(seen.body());
        assertThat(body.get("model").asText()).isEqualTo(task.model());
        assertThat(body.get("messages").isArray()).isTrue();
        assertThat(body.toString()).contains("Jane Cooper");
        assertThat(body.has("stream")).isFalse();

        if (result instanceof IabResult r) {
            assertThat(r.iab10()).isNotEmpty();
        } else if (result instanceof IabEnrichedResult r) {
            assertThat(r.iab10()).isNotEmpty();
            assertThat(r.keywords()).isNotEmpty();
        } else if (result instanceof FollowupQuestionsResult r) {
            assertThat(r.questions()).isNotEmpty();
        } else if (result instanceof PiiResult r) {
            assertThat(r.entities()).isNotEmpty();
            r.entities().forEach(e -> assertThat(TEXT.substring(e.start(), e.end())).isEqualTo(e.text()));
            assertThat(r.redactedText()).contains("[EMAIL]").doesNotContain("jane.cooper@example.com");
        } else if (result instanceof EntitiesResult r) {
            r.entities().values().forEach(spans -> spans.forEach(s -> assertThat(TEXT).contains(s)));
        } else if (result instanceof ExtractionResult r) {
            assertThat(r.data()).containsKey("order");
        } else if (result instanceof ClassificationResult r) {
            assertThat(r.classification().get("sentiment")).isIn("positive", "negative", "neutral");
        } else if (result instanceof ZeroShotResult r) {
            assertThat(r.labels()).extracting(l -> l.name())
                    .containsExactlyInAnyOrder("refund request", "praise", "shipping problem");
            assertThat(r.labels().stream().mapToDouble(l -> l.score()).sum()).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(0.01));
        } else if (result instanceof TextResult r) {
            assertThat(r.text()).isNotBlank();
        } else if (result instanceof ThinkingResult r) {
            assertThat(r.answer()).isNotBlank();
        } else if (result instanceof dev.enricher.tasks.PromptTask.StructuredResult r) {
            assertThat(r.record().get("mood").toString()).isIn("calm", "angry");
            assertThat(r.record().get("urgent")).isInstanceOf(Boolean.class);
        } else {
            throw new AssertionError("no check for " + result);
        }
    }

    @Test
    void inFlightNeverExceedsTheCapCountedOnTheServer() {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(20)));
        ZeroGpuClient client = client(sim, config().maxInFlight(16));
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            calls.add(client.complete(iab("event " + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        assertThat(sim.stats().maxInFlight()).isEqualTo(16);
        assertThat(sim.stats().requests()).isEqualTo(400);
    }

    @Test
    void aStormOf429LowersTheLimitAndSuccessRaisesItBack() {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(20))
                .faults(FaultSettings.none().withRequestsPerSecond(200).withRetryAfterSeconds(0)));
        ZeroGpuClient client = client(sim, config().maxInFlight(64).minInFlight(2)
                .retry(new RetryPolicy(50, Duration.ofMillis(5), Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofMinutes(2))));
        AtomicInteger lowest = new AtomicInteger(64);
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            calls.add(client.complete(iab("storm " + i)).toCompletableFuture()
                    .whenComplete((c, e) -> lowest.accumulateAndGet(client.concurrencyLimit(), Math::min)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.concurrencyLimit() < 32);
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        assertThat(sim.stats().count(429)).isPositive();
        assertThat(client.stats().rateLimited()).isPositive();
        assertThat(lowest.get()).isLessThan(32);

        // The storm ends: the limit climbs back to the configured max, never above it.
        sim.faults(FaultSettings.none());
        AtomicInteger highest = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<CompletableFuture<ChatCompletion>> wave = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                wave.add(client.complete(iab("calm " + i)).toCompletableFuture());
            }
            CompletableFuture.allOf(wave.toArray(CompletableFuture[]::new)).join();
            highest.accumulateAndGet(client.concurrencyLimit(), Math::max);
            return client.concurrencyLimit() == 64;
        });
        assertThat(highest.get()).isEqualTo(64);
    }

    @Test
    void aMixOfTransientFaultsEndsInSuccessWithAttemptsRecorded() {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(5)
                .faults(FaultSettings.none().withRateLimitRate(0.1).withRetryAfterSeconds(0).withServerErrorRate(0.1)
                        .withResetRate(0.05).withMalformedRate(0.05)));
        ZeroGpuClient client = client(sim, config().maxInFlight(32));
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(client.complete(iab("mixed " + i)).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        long retried = calls.stream().map(CompletableFuture::join).filter(c -> c.attempts() > 1).count();
        assertThat(retried).isGreaterThan(30);
        assertThat(client.stats().succeeded()).isEqualTo(300);
        assertThat(client.stats().retries()).isEqualTo(client.stats().attempts() - 300);
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndTheSimulatorLetsGo() {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(1))
                .faults(FaultSettings.none().withTimeoutRate(1.0)));
        ZeroGpuClient client = client(sim, config().requestTimeout(Duration.ofMillis(300))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(10))));
        ZeroGpuException e = failure(client.complete(iab("silence")));
        assertThat(e.kind()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(e.attempts()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().inFlight() == 0);
        assertThat(sim.stats().timeouts()).isEqualTo(2);
    }

    @Test
    void errorsArriveTypedWithWhoCanFixThem() {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(1))
                .acceptedApiKey("zgpu-api-right"));
        ClientConfig.Builder base = config().retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1),
                Duration.ofSeconds(1), Duration.ofSeconds(10)));

        ZeroGpuException wrongKey = failure(client(sim, base.apiKey(ApiKey.of("zgpu-api-wrong"))).complete(iab("x")));
        assertThat(wrongKey.status()).isEqualTo(403);
        assertThat(wrongKey.disposition()).isEqualTo(Disposition.OPERATOR);
        assertThat(wrongKey.getMessage()).doesNotContain("zgpu-api-wrong");

        ZeroGpuException noKey = failure(client(sim, base.apiKey(null)).complete(iab("x")));
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.disposition()).isEqualTo(Disposition.OPERATOR);

        ZeroGpuClient ok = client(sim, base.apiKey(ApiKey.of("zgpu-api-right")));
        ZeroGpuException unknownModel = failure(ok.complete(ChatRequest.builder("zlm-v0-retired").user("x").build()));
        assertThat(unknownModel.status()).isEqualTo(404);
        assertThat(unknownModel.disposition()).isEqualTo(Disposition.RECORD);
        assertThat(unknownModel.requestId()).startsWith("req_");

        ZeroGpuException tooLong = failure(ok.complete(iab("word ".repeat(2_000))));
        assertThat(tooLong.status()).isEqualTo(420);
        assertThat(tooLong.code()).isEqualTo("context_length_exceeded");
        assertThat(tooLong.disposition()).isEqualTo(Disposition.RECORD);

        ZeroGpuException empty = failure(ok.complete(iab("")));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.disposition()).isEqualTo(Disposition.RECORD);

        sim.faults(FaultSettings.none().withQuotaExhausted(true));
        ZeroGpuException quota = failure(ok.complete(iab("x")));
        assertThat(quota.status()).isEqualTo(429);
        assertThat(quota.disposition()).isEqualTo(Disposition.OPERATOR);
        assertThat(quota.attempts()).isEqualTo(1);

        sim.faults(FaultSettings.none().withOutage(true));
        ZeroGpuException outage = failure(ok.complete(iab("x")));
        assertThat(outage.status()).isEqualTo(503);
        assertThat(outage.disposition()).isEqualTo(Disposition.TRANSIENT);
        assertThat(outage.attempts()).isEqualTo(2);
    }

    private static ChatRequest iab(String text) {
        return ChatRequest.builder(ModelCatalog.IAB).user(text).build();
    }

    private static ZeroGpuException failure(java.util.concurrent.CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ZeroGpuException.class);
            return (ZeroGpuException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }
}
