package dev.enricher.tracing;

import java.net.URI;
import java.util.Objects;

/**
 * The {@code tracing.*} keys. The standard {@code OTEL_*} variables override them (see {@link Tracing#start}).
 *
 * @param enabled           {@code tracing.enabled}
 * @param endpoint          the OTLP receiver; null for the variables' or the protocol's default
 * @param protocol          {@code http/protobuf} or {@code grpc}
 * @param sampler           an OpenTelemetry sampler name ({@code parentbased_traceidratio}, ...)
 * @param ratio             the ratio of the {@code *traceidratio} samplers, 0 to 1
 * @param serviceName       the resource's {@code service.name}
 * @param resourceAttributes more resource attributes, {@code k=v,k=v}; null for none
 * @param headers           headers of every export, {@code k=v,k=v} (secret); null for none
 */
public record TracingSettings(boolean enabled, URI endpoint, String protocol, String sampler, double ratio,
                              String serviceName, String resourceAttributes, String headers) {
    public static final TracingSettings OFF = new TracingSettings(false, null, "http/protobuf",
            "parentbased_traceidratio", 1.0, "stream-enricher", null, null);

    public TracingSettings {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(serviceName, "serviceName");
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("tracing.sampler-ratio must be from 0 to 1, was " + ratio);
        }
    }

    /** Never prints the headers' values (they may hold a backend's API key). */
    @Override
    public String toString() {
        return "TracingSettings[enabled=" + enabled + ", endpoint=" + endpoint + ", protocol=" + protocol
                + ", sampler=" + sampler + ", ratio=" + ratio + ", serviceName=" + serviceName
                + ", resourceAttributes=" + resourceAttributes + ", headers=" + (headers == null ? "none" : "(secret)")
                + "]";
    }
}
