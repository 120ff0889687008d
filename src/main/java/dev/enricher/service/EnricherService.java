package dev.enricher.service;

import dev.enricher.tracing.Tracing;

import dev.enricher.avro.DeadLetter;
import dev.enricher.config.EnricherConfig;
import dev.enricher.ops.Health;
import dev.enricher.ops.OpsServer;
import dev.enricher.ops.ServiceMetrics;
import dev.enricher.serde.CachingSchemaRegistry;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.RegistryException;
import dev.enricher.serde.SchemaRegistration;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.OutputSchema;
import dev.enricher.topology.PipelineSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.avro.Schema;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The running service: the output schemas registered, the metrics, the pipeline and the ops endpoints, started from
 * one configuration and stopped together.
 *
 * <p>Lifecycle. {@link #start} is called once by whoever runs the service (the {@code run} and {@code demo}
 * commands), on that caller's thread; it returns once Kafka Streams has been started (not necessarily RUNNING yet)
 * and the ops endpoints listen. {@link #close} is called once by the same owner, on any thread but a Kafka Streams
 * thread: it closes Kafka Streams, which waits for its own threads. In particular, never call {@code close} from a
 * callback of {@link #stopped()}, which runs on a Kafka Streams thread; hand the news to another thread instead.
 *
 * <p>Thread safety: the accessors may be called from any thread. The service never stops the JVM and installs no
 * shutdown hook: that is the caller's decision.
 */
public final class EnricherService implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final PipelineSettings settings;
    private final EnrichmentPipeline pipeline;
    private final ServiceMetrics metrics;
    private final OpsServer ops;
    private final Tracing tracing;

    private EnricherService(PipelineSettings settings, EnrichmentPipeline pipeline, ServiceMetrics metrics,
                            OpsServer ops, Tracing tracing) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.ops = ops;
        this.tracing = tracing;
    }

    /**
     * Starts everything with the registry the configuration names (in memory for {@code registry.url: memory}).
     *
     * @throws RuntimeException whatever failed to start, its message naming what; what had started is closed
     */
    public static EnricherService start(EnricherConfig config) {
        return start(config, config.inMemoryRegistry() ? new InMemorySchemaRegistry()
                : CachingSchemaRegistry.of(new HttpSchemaRegistry(config.registry())));
    }

    /**
     * Starts everything against {@code registry} (the demo passes its in-memory one, to read the outputs back).
     * The output schemas are registered (or checked) first, so a registry that refuses them fails the start, quoting
     * the registry, before anything else runs.
     *
     * @throws RuntimeException whatever failed to start, its message naming what; what had started is closed
     */
    public static EnricherService start(EnricherConfig config, SchemaRegistry registry) {
        return start(config, registry, Tracing.start(config.tracing(), System.getenv()));
    }

    /**
     * As {@link #start(EnricherConfig, SchemaRegistry)}, each event traced by {@code tracing} (built by the caller from
     * {@link EnricherConfig#tracing()}; the demo adds a collector of its own). The service owns it from now on: it is
     * closed with the service, or at once when the start fails.
     */
    public static EnricherService start(EnricherConfig config, SchemaRegistry registry, Tracing tracing) {
        try {
            return startTraced(config, registry, tracing);
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
    }

    private static EnricherService startTraced(EnricherConfig config, SchemaRegistry registry, Tracing tracing) {
        PipelineSettings settings = config.pipeline();
        boolean autoRegister = settings.serde().autoRegister();
        registerEnrichedSchema(registry, settings, autoRegister);
        SchemaRegistration.ensure(registry, settings.serde().subjectNameStrategy().subject(settings.deadLetterTopic(),
                false, DeadLetter.getClassSchema()), DeadLetter.getClassSchema(), autoRegister);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServiceMetrics metrics = new ServiceMetrics(prometheus, config.catalog());
        EnrichmentPipeline pipeline = null;
        try {
            pipeline = EnrichmentPipeline.start(settings, config.client(), registry, metrics.callObserver(),
                    tracing.tracer());
            metrics.bind(pipeline);
            EnrichmentPipeline p = pipeline;
            OpsServer ops = OpsServer.start(config.opsHost(), config.opsPort(), () -> health(p), prometheus);
            return new EnricherService(settings, pipeline, metrics, ops, tracing);
        } catch (RuntimeException e) {
            if (pipeline != null) {
                pipeline.close();
            }
            metrics.close();
            throw e;
        }
    }

    /**
     * Registers (or checks) the enriched topic's schema derived from the tasks. The registry's compatibility rule
     * decides whether a changed configuration may go live: a refusal stops the start with the registry's own words
     * and what to do.
     */
    private static void registerEnrichedSchema(SchemaRegistry registry, PipelineSettings settings,
                                               boolean autoRegister) {
        Schema schema = OutputSchema.of(settings.tasks());
        String subject = settings.serde().subjectNameStrategy().subject(settings.enrichedTopic(), false, schema);
        try {
            SchemaRegistration.ensure(registry, subject, schema, autoRegister);
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.INCOMPATIBLE) {
                throw e;
            }
            throw new RegistryException(e.kind(), e.status(), e.errorCode(), e.getMessage() + ". The enriched"
                    + " record has one field per task, named by the task and typed by its result: a task whose type"
                    + " (or output schema) changed under the same name changes its field's type, which readers of the"
                    + " records already written cannot follow. Rename the task (its results then go to a new field;"
                    + " the old one stays null), or, when every consumer of '" + settings.enrichedTopic() + "' is"
                    + " ready for the change, set the compatibility of subject '" + subject + "' to NONE in the"
                    + " registry. 'stream-enricher validate-config --print-schema' prints the schema this"
                    + " configuration writes.", e);
        }
    }

    private static Health health(EnrichmentPipeline p) {
        KafkaStreams.State state = p.streams().state();
        boolean live = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING
                && state != KafkaStreams.State.PENDING_ERROR;
        String circuit = p.circuitOpen() ? "OPEN (" + p.engine().circuitReason() + ")" : "CLOSED";
        return new Health(live, p.isRunning(), "streams=" + state + " circuit=" + circuit);
    }

    /** The service's tracing ({@link Tracing#OFF} when off). */
    public Tracing tracing() {
        return tracing;
    }

    /** The pipeline's settings (topics, guarantee...), as the configuration gave them. */
    public PipelineSettings settings() {
        return settings;
    }

    /** The running pipeline (its live counters, its Kafka Streams instance). */
    public EnrichmentPipeline pipeline() {
        return pipeline;
    }

    /** The port the ops endpoints listen on (the configured one, or the free one picked for port 0). */
    public int opsPort() {
        return ops.port();
    }

    /**
     * Completes when Kafka Streams has stopped for good (closed, or failed), on a Kafka Streams thread: do not call
     * {@link #close} from its callbacks.
     */
    public CompletionStage<KafkaStreams.State> stopped() {
        return pipeline.stopped();
    }

    /** True when Kafka Streams failed for good (state ERROR), as opposed to having been closed. */
    public boolean failed() {
        return pipeline.streams().state() == KafkaStreams.State.ERROR;
    }

    /**
     * Stops the ops endpoints, then the pipeline (waiting up to 30 s for Kafka Streams to commit and close), then the
     * metrics. Idempotent as far as the pipeline is concerned; blocks the caller.
     */
    @Override
    public void close() {
        try {
            ops.close();
        } finally {
            try {
                pipeline.close(CLOSE_TIMEOUT);
            } finally {
                try {
                    tracing.close();
                } finally {
                    metrics.close();
                }
            }
        }
    }
}
