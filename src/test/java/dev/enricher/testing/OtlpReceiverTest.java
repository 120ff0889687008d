package dev.enricher.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.testing.OtlpReceiver.ReceivedSpan;
import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link OtlpReceiver}: what the SDK's own OTLP/HTTP exporter sends arrives decoded, with or without gzip. */
class OtlpReceiverTest {
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

    private OtlpReceiver receiver;
    private HttpClient http;

    @BeforeEach
    void start() {
        receiver = OtlpReceiver.start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void receivesParentAndChildFromTheSdkExporter() {
        assertThat(receiver.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
        exportParentAndChild(OtlpHttpSpanExporter.builder()
                .setEndpoint(receiver.endpoint() + "/v1/traces").build(), "otlp-receiver-test");
        assertParentAndChild("otlp-receiver-test");
        assertThat(receiver.requests()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void receivesGzippedExports() {
        exportParentAndChild(OtlpHttpSpanExporter.builder()
                .setEndpoint(receiver.endpoint() + "/v1/traces").setCompression("gzip").build(), "gzipped");
        assertParentAndChild("gzipped");
    }

    @Test
    void endpointIsTheBaseUrlForOtelExporterOtlpEndpoint() {
        // What the service's autoconfigure reads from OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL, as properties.
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.exporter.otlp.endpoint", receiver.endpoint(),
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.service.name", "autoconfigured",
                        "otel.traces.exporter", "otlp",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .build().getOpenTelemetrySdk();
        try {
            sdk.getTracer("test").spanBuilder("configured").startSpan().end();
            sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.spans().isEmpty());
            ReceivedSpan span = receiver.spans().get(0);
            assertThat(span.name()).isEqualTo("configured");
            assertThat(span.resource()).containsEntry("service.name", "autoconfigured");
        } finally {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void decodesAttributeTypesAndGzipFromAnyClient() throws Exception {
        AnyValue list = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1)).addValues(AnyValue.newBuilder().setIntValue(2)))
                .build();
        io.opentelemetry.proto.trace.v1.Span span = io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(ByteString.copyFrom(new byte[16]))
                .setSpanId(ByteString.copyFrom(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xAB}))
                .setName("hand-made")
                .addAttributes(kv("l", list))
                .addAttributes(kv("d", AnyValue.newBuilder().setDoubleValue(0.5).build()))
                .build();
        ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(
                ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(request.toByteArray());
        }
        HttpResponse<byte[]> response = post("/v1/traces", "application/x-protobuf; charset=binary", "gzip",
                gz.toByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        ReceivedSpan received = receiver.spans().get(0);
        assertThat(received.spanId()).isEqualTo("00000000000000ab");
        assertThat(received.parentSpanId()).isEmpty();
        assertThat(received.kind()).isEqualTo("UNSPECIFIED");
        assertThat(received.statusCode()).isEqualTo("UNSET");
        assertThat(received.attributes()).containsEntry("l", List.of(1L, 2L)).containsEntry("d", 0.5);
    }

    @Test
    void rejectsWhatItCannotRead() throws Exception {
        boolean jsonSupported = isPresent("com.google.protobuf.util.JsonFormat");
        HttpResponse<byte[]> json = post("/v1/traces", "application/json", null, "{}".getBytes());
        assertThat(json.statusCode()).isEqualTo(jsonSupported ? 200 : 415);
        assertThat(post("/v1/traces", "text/plain", null, new byte[] {1}).statusCode()).isEqualTo(415);
        assertThat(post("/v1/traces", "application/x-protobuf", "br", new byte[] {1}).statusCode())
                .isEqualTo(415);
        assertThat(post("/v1/traces", "application/x-protobuf", null, new byte[] {(byte) 0xFF, 1, 2})
                .statusCode()).isEqualTo(400);
        assertThat(post("/v1/traces", "application/x-protobuf", "gzip", new byte[] {1, 2, 3}).statusCode())
                .isEqualTo(400);
        assertThat(post("/v1/metrics", "application/x-protobuf", null, new byte[0]).statusCode()).isEqualTo(404);
        assertThat(receiver.requests()).isEqualTo(5);
        assertThat(receiver.spans()).isEmpty();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    @SuppressWarnings("try") // the Scope only makes the parent current
    private static void exportParentAndChild(OtlpHttpSpanExporter exporter, String service) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, service))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        try {
            Tracer tracer = provider.get("dev.enricher.testing");
            Span parent = tracer.spanBuilder("enrich").setSpanKind(SpanKind.CONSUMER)
                    .setAttribute("enricher.outcome", "enriched").setAttribute("enricher.tasks", 2L)
                    .startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                Span child = tracer.spanBuilder("chat").setSpanKind(SpanKind.CLIENT)
                        .setAttribute("gen_ai.request.model", "zgpu-small")
                        .setAttribute("http.response.status_code", 503L)
                        .setAttribute("enricher.retry", true)
                        .startSpan();
                child.addEvent("retry.scheduled", Attributes.of(AttributeKey.longKey("enricher.attempt"), 1L,
                        AttributeKey.doubleKey("enricher.backoff_s"), 0.25));
                child.setStatus(StatusCode.ERROR, "503");
                child.end();
            }
            parent.end();
            assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private void assertParentAndChild(String service) {
        // forceFlush succeeded, so the receiver has answered; waiting is only a guard against a slow exporter.
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().size() >= 2);
        Map<String, ReceivedSpan> byName = receiver.spans().stream()
                .collect(Collectors.toMap(ReceivedSpan::name, Function.identity()));
        assertThat(byName).containsOnlyKeys("enrich", "chat");
        ReceivedSpan parent = byName.get("enrich");
        ReceivedSpan child = byName.get("chat");

        assertThat(parent.traceId()).matches("[0-9a-f]{32}").isEqualTo(child.traceId());
        assertThat(parent.spanId()).matches("[0-9a-f]{16}");
        assertThat(parent.parentSpanId()).isEmpty();
        assertThat(parent.isRoot()).isTrue();
        assertThat(child.parentSpanId()).isEqualTo(parent.spanId());
        assertThat(parent.kind()).isEqualTo("CONSUMER");
        assertThat(child.kind()).isEqualTo("CLIENT");

        assertThat(parent.attributes()).containsEntry("enricher.outcome", "enriched")
                .containsEntry("enricher.tasks", 2L);
        assertThat(child.attributes()).containsEntry("gen_ai.request.model", "zgpu-small")
                .containsEntry("http.response.status_code", 503L).containsEntry("enricher.retry", true);
        assertThat(child.events()).containsExactly("retry.scheduled");
        assertThat(child.eventAttributes().get("retry.scheduled")).containsEntry("enricher.attempt", 1L)
                .containsEntry("enricher.backoff_s", 0.25);
        assertThat(child.statusCode()).isEqualTo("ERROR");
        assertThat(parent.statusCode()).isEqualTo("UNSET");

        assertThat(child.startEpochNanos()).isGreaterThanOrEqualTo(parent.startEpochNanos());
        assertThat(child.endEpochNanos()).isLessThanOrEqualTo(parent.endEpochNanos())
                .isGreaterThanOrEqualTo(child.startEpochNanos());
        assertThat(parent.resource()).containsEntry("service.name", service)
                .containsEntry("telemetry.sdk.language", "java");
        assertThat(child.resource()).isEqualTo(parent.resource());
        assertThat(child.links()).isEmpty();
    }

    private static KeyValue kv(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(receiver.endpoint() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            request.header("Content-Encoding", encoding);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
