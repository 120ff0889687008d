package dev.enricher.tracing;

import dev.enricher.engine.EventTracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's tracing: the OpenTelemetry SDK built from the {@code tracing.*} keys and the {@code OTEL_*}
 * variables, and the engine's {@link EventTracer} over it; {@link #OFF} when tracing is off. Closed by its owner after
 * the pipeline, flushing the spans still buffered.
 */
public final class Tracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    /** Tracing off: no SDK, no tracer. */
    public static final Tracing OFF = new Tracing(null, null, "off");

    private final OpenTelemetrySdk sdk;
    private final EventTracer tracer;
    private final String description;

    private Tracing(OpenTelemetrySdk sdk, EventTracer tracer, String description) {
        this.sdk = sdk;
        this.tracer = tracer;
        this.description = description;
    }

    /**
     * Tracing over an SDK built elsewhere (tests: an in-memory exporter). Closing it closes {@code sdk}.
     */
    public static Tracing of(OpenTelemetrySdk sdk) {
        return new Tracing(sdk, new OtelEventTracer(sdk), "given SDK");
    }

    /**
     * Whether tracing is on: {@code tracing.enabled}, a {@code tracing.endpoint}, or an OTLP endpoint in the
     * environment ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) turns it on;
     * {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none} keeps it off.
     */
    public static boolean on(TracingSettings s, Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "").trim())
                || "none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim())) {
            return false;
        }
        return s.enabled() || s.endpoint() != null || !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
                || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
    }

    /**
     * Starts tracing as {@code s} and the environment say; {@link #OFF} when {@link #on} is false. The SDK's
     * autoconfigure reads the {@code OTEL_*} variables (and {@code otel.*} system properties) over the defaults that
     * {@code s} gives, as every OpenTelemetry SDK does.
     *
     * @throws IllegalArgumentException when the SDK refuses the settings (naming the key)
     */
    public static Tracing start(TracingSettings s, Map<String, String> env) {
        return start(s, env, (SpanProcessor) null);
    }

    /**
     * As {@link #start(TracingSettings, Map)}, every span also kept by {@code collector} (the demo's picture).
     */
    public static Tracing start(TracingSettings s, Map<String, String> env, SpanCollector collector) {
        return start(s, env, (SpanProcessor) collector);
    }

    /**
     * As {@link #start(TracingSettings, Map)}, every span also handed to {@code also} (the demo's collector for its
     * trace picture); tracing is on whenever {@code also} is given, exporting over OTLP only when {@link #on} says so.
     *
     * @param also a further span processor; null for none
     */
    static Tracing start(TracingSettings s, Map<String, String> env, SpanProcessor also) {
        boolean export = on(s, env);
        if (!export && also == null) {
            return OFF;
        }
        Map<String, String> defaults = defaults(s);
        if (!export) {
            defaults.put("otel.traces.exporter", "none");
        }
        OpenTelemetrySdk sdk;
        try {
            AutoConfiguredOpenTelemetrySdkBuilder b = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults).disableShutdownHook();
            if (also != null) {
                b.addTracerProviderCustomizer((provider, config) -> provider.addSpanProcessor(also));
            }
            sdk = b.build().getOpenTelemetrySdk();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tracing: the OpenTelemetry SDK refused its settings (tracing.* keys "
                    + "and OTEL_* variables): " + e.getMessage(), e);
        }
        String endpoint = firstNonBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
                env.get("OTEL_EXPORTER_OTLP_ENDPOINT"), s.endpoint() == null ? null : s.endpoint().toString(),
                "the protocol's localhost default");
        String protocol = firstNonBlank(env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"),
                env.get("OTEL_EXPORTER_OTLP_PROTOCOL"), s.protocol());
        String sampler = firstNonBlank(env.get("OTEL_TRACES_SAMPLER"), s.sampler());
        String description = (export ? "OTLP " + protocol + " to " + endpoint : "no export (collected in process)")
                + ", sampler " + sampler
                + (sampler.endsWith("traceidratio") ? " " + firstNonBlank(env.get("OTEL_TRACES_SAMPLER_ARG"),
                String.valueOf(s.ratio())) : "");
        LOG.info("Tracing on: {}", description);
        return new Tracing(sdk, new OtelEventTracer(sdk), description);
    }

    /** The SDK's properties as the {@code tracing.*} keys give them; the environment overrides each. */
    static Map<String, String> defaults(TracingSettings s) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("otel.traces.exporter", "otlp");
        p.put("otel.metrics.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.exporter.otlp.protocol", s.protocol());
        if (s.endpoint() != null) {
            p.put("otel.exporter.otlp.endpoint", s.endpoint().toString());
        }
        if (s.headers() != null) {
            p.put("otel.exporter.otlp.headers", s.headers());
        }
        p.put("otel.traces.sampler", s.sampler());
        p.put("otel.traces.sampler.arg", String.valueOf(s.ratio()));
        p.put("otel.service.name", s.serviceName());
        if (s.resourceAttributes() != null) {
            p.put("otel.resource.attributes", s.resourceAttributes());
        }
        return p;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return "";
    }

    /** The engine's tracer; null when tracing is off. */
    public EventTracer tracer() {
        return tracer;
    }

    /** True when tracing is on. */
    public boolean isOn() {
        return sdk != null;
    }

    /** Where spans go and which are kept, for a person (never a secret). */
    public String description() {
        return description;
    }

    /** Exports what is buffered now, waiting up to {@code seconds}. */
    public void flush(long seconds) {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(seconds, TimeUnit.SECONDS);
        }
    }

    /** Flushes what is buffered (up to 10 s) and shuts the SDK down. Idempotent. */
    @Override
    public void close() {
        if (sdk == null) {
            return;
        }
        CompletableResultCode done = sdk.shutdown().join(10, TimeUnit.SECONDS);
        if (!done.isSuccess()) {
            LOG.warn("Tracing: the last spans could not all be exported within 10 s ({})", description);
        }
    }
}
