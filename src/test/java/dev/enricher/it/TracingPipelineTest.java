package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.client.RetryPolicy;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.RecordedRequest;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.OutputReader.Output;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.testing.Sent.Hdr;
import dev.enricher.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tracing on a running pipeline, spans collected by the SDK's in-memory exporter: an event's trace continues its
 * producer's {@code traceparent}; its calls are spans with the generative-AI attributes; a retried call shows each
 * attempt and the back-off between; the outputs and the API requests carry the trace on; no span holds the API key.
 */
class TracingPipelineTest {
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private Tracing tracing;

    private Tracing tracing(Sampler sampler) {
        tracing = Tracing.of(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build());
        return tracing;
    }

    @AfterEach
    void closeTracing() {
        if (tracing != null) {
            tracing.close();
        }
    }

    @Test
    void anEventsTraceContinuesItsProducersWithASpanPerCallAndCarriesOnToOutputsAndTheApi() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(20)).seed(3).recentRequests(100));
        PipelineFixture.Topics t = fx.topics("traced", 1);
        OutputReader reader = fx.reader(t);
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB, TaskType.FOLLOWUP_QUESTIONS,
                TaskType.PII)).build(), fx.client().build(),
                tracing(Sampler.parentBased(Sampler.alwaysOn())).tracer());

        String parent = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";
        PipelineFixture.Draft plain = fx.event("k-1", PipelineFixture.text(1));
        PipelineFixture.Draft withParent = new PipelineFixture.Draft("k-2", "e-traced", PipelineFixture.text(2),
                PipelineFixture.eventJson("e-traced", PipelineFixture.text(2)),
                List.of(new Hdr("traceparent", parent), new Hdr("origin", "it")));
        List<Sent> sent = fx.send(t.input(), List.of(plain, withParent));
        reader.awaitAll(sent, Duration.ofMinutes(1));

        // The event's span: a child of the producer's, with where the event came from and how it ended.
        SpanData event = awaitSpan(s -> s.getName().equals("enrich " + t.input())
                && s.getTraceId().equals(TRACE_ID));
        assertThat(event.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(event.getKind()).isEqualTo(SpanKind.CONSUMER);
        Sent traced = sent.get(1);
        assertThat(attr(event, "messaging.destination.name")).isEqualTo(t.input());
        assertThat(attr(event, "messaging.destination.partition.id")).isEqualTo(String.valueOf(traced.partition()));
        assertThat(event.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")))
                .isEqualTo(traced.offset());
        assertThat(event.getAttributes().get(AttributeKey.stringArrayKey("enricher.tasks")))
                .containsExactly("iab", "followups", "pii");
        assertThat(attr(event, "enricher.key_hash")).isNotBlank().doesNotContain("k-2");
        assertThat(attr(event, "enricher.outcome")).isEqualTo("enriched");

        // Three tasks: three call attempts under it, each with the generative-AI attributes, and their slot waits.
        List<SpanData> calls = children(event, "chat ");
        assertThat(calls).hasSize(3);
        for (SpanData c : calls) {
            assertThat(c.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(attr(c, "gen_ai.operation.name")).isEqualTo("chat");
            assertThat(c.getName()).isEqualTo("chat " + attr(c, "gen_ai.request.model"));
            assertThat(attr(c, "gen_ai.response.model")).isNotBlank();
            assertThat(c.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
            assertThat(c.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isPositive();
            assertThat(c.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
            assertThat(attr(c, "enricher.request_id")).startsWith("req_");
            assertThat(c.getAttributes().get(AttributeKey.longKey("enricher.retry"))).isZero();
            assertThat(c.getAttributes().get(AttributeKey.doubleKey("enricher.cost_usd"))).isPositive();
            assertThat(c.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
        }
        assertThat(calls.stream().map(c -> attr(c, "enricher.task")))
                .containsExactlyInAnyOrder("iab", "followups", "pii");
        assertThat(children(event, "wait for call slot")).hasSize(3);

        // The output continues the trace from the event's span; the API was asked under each call's span.
        Output out = reader.only(traced);
        assertThat(out.kind()).isEqualTo(Kind.ENRICHED);
        assertThat(out.header("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + event.getSpanId() + "-01");
        List<String> asked = fx.simulator().recentRequests().stream().map(r -> r.header("traceparent"))
                .filter(h -> h != null && h.contains(TRACE_ID)).toList();
        assertThat(asked).containsExactlyInAnyOrderElementsOf(
                calls.stream().map(c -> "00-" + TRACE_ID + "-" + c.getSpanId() + "-01").toList());

        // An event without a traceparent starts a trace of its own, which its output carries on.
        SpanData root = awaitSpan(s -> s.getName().equals("enrich " + t.input())
                && !s.getTraceId().equals(TRACE_ID));
        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(reader.only(sent.get(0)).header("traceparent"))
                .isEqualTo("00-" + root.getTraceId() + "-" + root.getSpanId() + "-"
                        + root.getSpanContext().getTraceFlags().asHex());
        assertThat(children(root, "chat ")).hasSize(3);

        assertNoSecretIn(spans.getFinishedSpanItems());
        for (RecordedRequest r : fx.simulator().recentRequests()) {
            assertThat(r.header("traceparent")).as("every API request carries a trace").matches(
                    "00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        }
    }

    @Test
    void aRetriedCallShowsEachAttemptAndTheBackOffBetween() {
        // Every first attempt fails with a 503; the second is answered.
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(11)
                .faults(FaultSettings.none().withServerErrorRate(0.5).withServerErrorStatuses(List.of(503))));
        PipelineFixture.Topics t = fx.topics("traced-retries", 1);
        OutputReader reader = fx.reader(t);
        RetryPolicy retries = new RetryPolicy(20, Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofMinutes(1));
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                        .engine(PipelineFixture.engine().withRetry(retries)).build(), fx.client().build(),
                tracing(Sampler.alwaysOn()).tracer());
        List<Sent> sent = fx.sendEvents(t.input(), 20, n -> "k-" + n, PipelineFixture::text);
        reader.awaitAll(sent, Duration.ofMinutes(1));
        assertThat(reader.enrichedCount()).isEqualTo(20);

        List<SpanData> all = spans.getFinishedSpanItems();
        Map<String, List<SpanData>> callsByEvent = all.stream().filter(s -> s.getName().startsWith("chat "))
                .collect(Collectors.groupingBy(SpanData::getParentSpanId));
        List<SpanData> retried = callsByEvent.values().stream().filter(c -> c.size() > 1).findFirst()
                .orElseThrow(() -> new AssertionError("no event needed a retry among " + callsByEvent.size()));
        retried = new ArrayList<>(retried);
        retried.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
        for (int k = 0; k < retried.size(); k++) {
            SpanData attempt = retried.get(k);
            assertThat(attempt.getAttributes().get(AttributeKey.longKey("enricher.retry"))).isEqualTo((long) k);
            if (k < retried.size() - 1) {
                assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                        .isEqualTo(503L);
                assertThat(attr(attempt, "error.type")).isEqualTo("503");
            } else {
                assertThat(attempt.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
                assertThat(attempt.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                        .isEqualTo(200L);
            }
        }
        String eventSpan = retried.get(0).getParentSpanId();
        List<SpanData> backoffs = all.stream().filter(s -> s.getName().equals("retry backoff")
                && s.getParentSpanId().equals(eventSpan)).sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
        assertThat(backoffs).hasSize(retried.size() - 1);
        for (int k = 0; k < backoffs.size(); k++) {
            SpanData b = backoffs.get(k);
            assertThat(attr(b, "enricher.task")).isEqualTo("iab");
            assertThat(attr(b, "enricher.retry.reason")).contains("503");
            // Between the failed attempt and the next one.
            assertThat(b.getStartEpochNanos()).isGreaterThanOrEqualTo(retried.get(k).getEndEpochNanos());
            assertThat(b.getEndEpochNanos()).isLessThanOrEqualTo(retried.get(k + 1).getStartEpochNanos());
        }
        assertNoSecretIn(all);
    }

    @Test
    void unsampledEventsAreNotRecordedButTheirOutputsStillCarryTheTrace() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(4));
        PipelineFixture.Topics t = fx.topics("traced-sampling", 1);
        OutputReader reader = fx.reader(t);
        // Parent-based, none of the events without a parent: only the event whose producer sampled it is recorded.
        fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB)).build(), fx.client().build(),
                tracing(Sampler.parentBased(Sampler.traceIdRatioBased(0))).tracer());
        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            drafts.add(fx.event("k-" + n, PipelineFixture.text(n)));
        }
        String parent = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";
        drafts.add(new PipelineFixture.Draft("k-s", "e-sampled", PipelineFixture.text(99),
                PipelineFixture.eventJson("e-sampled", PipelineFixture.text(99)),
                List.of(new Hdr("traceparent", parent))));
        List<Sent> sent = fx.send(t.input(), drafts);
        reader.awaitAll(sent, Duration.ofMinutes(1));

        SpanData event = awaitSpan(s -> s.getName().startsWith("enrich "));
        assertThat(event.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(spans.getFinishedSpanItems()).allMatch(s -> s.getTraceId().equals(TRACE_ID));
        for (Sent s : sent.subList(0, 10)) {
            String header = reader.only(s).header("traceparent");
            assertThat(header).as("not sampled, still propagated").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
            assertThat(Integer.parseInt(header.substring(53), 16) & 1).as("the sampled flag of %s", header).isZero();
        }
    }

    private SpanData awaitSpan(java.util.function.Predicate<SpanData> which) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> spans.getFinishedSpanItems().stream().filter(which).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
    }

    private List<SpanData> children(SpanData parent, String namePrefix) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())
                && s.getTraceId().equals(parent.getTraceId()) && s.getName().startsWith(namePrefix)).toList();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    /** The API key appears in no attribute of any span or span event. */
    static void assertNoSecretIn(List<SpanData> all) {
        assertThat(all).isNotEmpty();
        for (SpanData s : all) {
            assertThat(s.getAttributes().toString()).doesNotContain(PipelineFixture.API_KEY);
            assertThat(s.getName()).doesNotContain(PipelineFixture.API_KEY);
            assertThat(s.getStatus().getDescription()).doesNotContain(PipelineFixture.API_KEY);
            for (EventData e : s.getEvents()) {
                assertThat(e.getAttributes().toString()).doesNotContain(PipelineFixture.API_KEY);
            }
        }
    }
}
