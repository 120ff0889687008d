package dev.enricher.cli;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.client.ModelCatalog;
import dev.enricher.config.EnricherConfig;
import dev.enricher.ops.Health;
import dev.enricher.ops.OpsServer;
import dev.enricher.ops.ServiceMetrics;
import dev.enricher.serde.CachingSchemaRegistry;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.SchemaRegistration;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The running service: registry, metrics, pipeline and the ops endpoints, started from one configuration and
 * stopped together. The composition root shared by {@code run} and {@code demo}.
 */
final class EnricherService implements AutoCloseable {
    private final PipelineSettings settings;
    private final EnrichmentPipeline pipeline;
    private final ServiceMetrics metrics;
    private final OpsServer ops;

    private EnricherService(PipelineSettings settings, EnrichmentPipeline pipeline, ServiceMetrics metrics,
                            OpsServer ops) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.ops = ops;
    }

    /** Starts everything; on failure closes what was started and rethrows. */
    static EnricherService start(EnricherConfig config) {
        return start(config, config.inMemoryRegistry() ? new InMemorySchemaRegistry()
                : CachingSchemaRegistry.of(new HttpSchemaRegistry(config.registry())));
    }

    static EnricherService start(EnricherConfig config, SchemaRegistry registry) {
        PipelineSettings settings = config.pipeline();
        // Fail fast, quoting the registry, when the output schemas cannot be registered or are incompatible.
        boolean autoRegister = settings.serde().autoRegister();
        SchemaRegistration.ensure(registry, settings.serde().subjectNameStrategy().subject(settings.enrichedTopic(),
                false, EnrichedEvent.getClassSchema()), EnrichedEvent.getClassSchema(), autoRegister);
        SchemaRegistration.ensure(registry, settings.serde().subjectNameStrategy().subject(settings.deadLetterTopic(),
                false, DeadLetter.getClassSchema()), DeadLetter.getClassSchema(), autoRegister);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServiceMetrics metrics = new ServiceMetrics(prometheus, ModelCatalog.defaults());
        EnrichmentPipeline pipeline = null;
        try {
            pipeline = EnrichmentPipeline.start(settings, config.client(), registry, metrics.callObserver());
            metrics.bind(pipeline);
            EnrichmentPipeline p = pipeline;
            OpsServer ops = OpsServer.start(config.opsHost(), config.opsPort(), () -> health(p), prometheus);
            return new EnricherService(settings, pipeline, metrics, ops);
        } catch (RuntimeException e) {
            if (pipeline != null) {
                pipeline.close();
            }
            metrics.close();
            throw e;
        }
    }

    static Health health(EnrichmentPipeline p) {
        KafkaStreams.State state = p.streams().state();
        boolean live = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_ERROR;
        String circuit = p.circuitOpen() ? "OPEN (" + p.engine().circuitReason() + ")" : "CLOSED";
        return new Health(live, p.isRunning(), "streams=" + state + " circuit=" + circuit);
    }

    PipelineSettings settings() {
        return settings;
    }

    EnrichmentPipeline pipeline() {
        return pipeline;
    }

    int opsPort() {
        return ops.port();
    }

    @Override
    public void close() {
        try {
            ops.close();
        } finally {
            try {
                pipeline.close(Duration.ofSeconds(30));
            } finally {
                metrics.close();
            }
        }
    }
}
