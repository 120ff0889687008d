package dev.enricher.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When tracing is on, and what the SDK is given: the {@code tracing.*} keys as defaults under the {@code OTEL_*}
 * variables; an OTLP endpoint in the environment turns tracing on; the exporters' secret headers are never printed.
 */
class TracingTest {
    private static final TracingSettings OFF = TracingSettings.OFF;

    private static TracingSettings withEndpoint(String url) {
        return new TracingSettings(false, URI.create(url), "grpc", "traceidratio", 0.01, "svc",
                "deployment.environment.name=test", "authorization=Bearer s3cr3t-token");
    }

    @Test
    void offByDefaultAndWithNoEndpointAnywhere() {
        assertThat(Tracing.on(OFF, Map.of())).isFalse();
        Tracing t = Tracing.start(OFF, Map.of());
        assertThat(t).isSameAs(Tracing.OFF);
        assertThat(t.tracer()).as("the engine gets no tracer: nothing on the hot path").isNull();
        assertThat(t.isOn()).isFalse();
        t.close();
    }

    @Test
    void anOtlpEndpointInTheEnvironmentTheKeyOrEnabledTurnsItOn() {
        assertThat(Tracing.on(OFF, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(Tracing.on(OFF, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")))
                .isTrue();
        assertThat(Tracing.on(withEndpoint("http://jaeger:4317"), Map.of())).isTrue();
        assertThat(Tracing.on(new TracingSettings(true, null, "http/protobuf", "always_on", 1, "svc", null, null),
                Map.of())).isTrue();
    }

    @Test
    void theSdkSwitchesKeepItOffWhateverElseSaysOn() {
        TracingSettings on = withEndpoint("http://jaeger:4317");
        assertThat(Tracing.on(on, Map.of("OTEL_SDK_DISABLED", "true"))).isFalse();
        assertThat(Tracing.on(on, Map.of("OTEL_TRACES_EXPORTER", "none"))).isFalse();
        assertThat(Tracing.on(OFF, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED",
                "TRUE"))).isFalse();
    }

    @Test
    void theKeysBecomeTheSdksDefaultProperties() {
        Map<String, String> p = Tracing.defaults(withEndpoint("http://jaeger:4317"));
        assertThat(p).containsEntry("otel.traces.exporter", "otlp").containsEntry("otel.metrics.exporter", "none")
                .containsEntry("otel.logs.exporter", "none")
                .containsEntry("otel.exporter.otlp.endpoint", "http://jaeger:4317")
                .containsEntry("otel.exporter.otlp.protocol", "grpc")
                .containsEntry("otel.traces.sampler", "traceidratio")
                .containsEntry("otel.traces.sampler.arg", "0.01").containsEntry("otel.service.name", "svc")
                .containsEntry("otel.resource.attributes", "deployment.environment.name=test")
                .containsEntry("otel.exporter.otlp.headers", "authorization=Bearer s3cr3t-token");
        assertThat(Tracing.defaults(OFF)).doesNotContainKeys("otel.exporter.otlp.endpoint",
                "otel.exporter.otlp.headers", "otel.resource.attributes");
    }

    @Test
    void startedTracingSaysWhereSpansGoButNeverTheHeadersSecret() {
        TracingSettings s = withEndpoint("http://127.0.0.1:1");
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("headers=(secret)");
        try (Tracing t = Tracing.start(s, Map.of())) {
            assertThat(t.isOn()).isTrue();
            assertThat(t.tracer()).isNotNull();
            assertThat(t.description()).contains("grpc", "http://127.0.0.1:1", "traceidratio 0.01")
                    .doesNotContain("s3cr3t");
        }
    }
}
