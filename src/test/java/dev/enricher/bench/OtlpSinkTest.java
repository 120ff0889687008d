package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.enricher.engine.EventTracer;
import dev.enricher.engine.InputRecord;
import dev.enricher.tracing.Tracing;
import dev.enricher.tracing.TracingSettings;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The discard OTLP receiver of {@code bench peers --tracing}. */
class OtlpSinkTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersEveryTraceExportWithAnEmptyProtobufAndCountsRequestsAndBytes() throws Exception {
        OtlpSink sink = OtlpSink.start();
        try {
            assertThat(sink.endpoint()).isEqualTo("http://127.0.0.1:" + sink.port());
            assertThat(sink.counts()).isEqualTo(new OtlpSink.Counts(0, 0));
            for (int size : new int[] {1000, 24}) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(sink.endpoint() + "/v1/traces"))
                        .header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size])).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEmpty();
                assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
            }
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(sink.counts()).isEqualTo(new OtlpSink.Counts(2, 1024)));
            OtlpSink.Counts before = sink.counts();

            // Anything else is not an export: 404, not counted.
            HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(sink.endpoint() + "/v1/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(404);
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(sink.endpoint() + "/v1/traces"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(404);
            assertThat(sink.counts().minus(before)).isEqualTo(new OtlpSink.Counts(0, 0));
        } finally {
            sink.close();
        }
        sink.close(); // idempotent
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(sink.endpoint() + "/v1/traces"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build(),
                HttpResponse.BodyHandlers.discarding()))
                .as("closed: nothing listens any more").isInstanceOf(IOException.class);
    }

    @Test
    void theSdksOtlpExporterTakesItsAnswerForSuccess() {
        InMemorySpanExporter memory = InMemorySpanExporter.create();
        List<SpanData> spans;
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
            provider.get("otlp-sink-test").spanBuilder("one").startSpan().end();
            spans = memory.getFinishedSpanItems(); // before the close, which clears them
        }
        assertThat(spans).hasSize(1);
        try (OtlpSink sink = OtlpSink.start()) {
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                    .setEndpoint(sink.endpoint() + "/v1/traces").build();
            try {
                CompletableResultCode exported = exporter.export(spans).join(10, TimeUnit.SECONDS);
                assertThat(exported.isSuccess()).as("the exporter took the empty answer for success").isTrue();
            } finally {
                exporter.shutdown().join(10, TimeUnit.SECONDS);
            }
            assertThat(sink.counts().requests()).isEqualTo(1);
            assertThat(sink.counts().bytes()).isPositive();
        }
    }

    @Test
    void receivesTheSpansOfTracingStartedAsTheBenchmarksEnginePeerStartsIt() {
        try (OtlpSink sink = OtlpSink.start()) {
            // As EnginePeer with --tracing 1 --tracing-endpoint <the sink>.
            Tracing tracing = Tracing.start(new TracingSettings(true, URI.create(sink.endpoint()), "http/protobuf",
                    "traceidratio", 1.0, "stream-enricher-bench", null, null), Map.of());
            try {
                assertThat(tracing.isOn()).isTrue();
                EventTracer.EventTrace trace = tracing.tracer().admitted(new InputRecord(null,
                        "{}".getBytes(StandardCharsets.UTF_8), List.of(), 0, "input", 0, 7), List.of("iab"));
                trace.ended("enriched", null, null);
            } finally {
                tracing.close(); // flushes the batch
            }
            assertThat(sink.counts().requests()).isPositive();
            assertThat(sink.counts().bytes()).isPositive();
        }
    }
}
