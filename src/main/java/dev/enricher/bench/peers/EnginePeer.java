package dev.enricher.bench.peers;

import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.engine.CallObserver;
import dev.enricher.engine.EngineConfig;
import dev.enricher.engine.Ordering;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import dev.enricher.tracing.Tracing;
import dev.enricher.tracing.TracingSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * This project's pipeline as a benchmark contender: {@link EnrichmentPipeline} with the engine's max-in-flight set to
 * {@code --concurrency} and its pending events per task to twice that (at least the default 1,024), key order, the {@code iab} task, one stream thread unless {@code --threads}, the given
 * guarantee. Its schema registry is in-memory (the child process has no registry server to talk to), seeded so that
 * the enriched record of the {@code iab} task ({@link PeerRecords#SCHEMA}, the schema the pipeline derives from its
 * tasks) and DeadLetter get the ids the harness registered and passed in; it refuses to start otherwise.
 *
 * <p>With {@code --tracing R} (a sampling ratio in (0, 1]; {@code off}, the default, for none) every event is traced
 * as the service traces it, sampled with {@code traceidratio} at R, and the sampled spans exported over OTLP
 * {@code http/protobuf} to {@code --tracing-endpoint} (the harness's discard receiver), so the export's cost is part of
 * the contender's CPU. The tracing is closed (its last spans flushed) after the pipeline.
 */
final class EnginePeer {
    private EnginePeer() {
    }

    static AutoCloseable start(PeerArgs args) throws InterruptedException {
        String enriched = args.string("output-topic");
        String deadLetters = args.string("dead-letter-topic");
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int enrichedId = registry.register(enriched + "-value", PeerRecords.SCHEMA);
        int deadLetterId = registry.register(deadLetters + "-value", DeadLetter.getClassSchema());
        if (enrichedId != args.integer("schema-id", 1) || deadLetterId != args.integer("dead-letter-schema-id", 1)) {
            throw new IllegalArgumentException("--schema-id / --dead-letter-schema-id must be " + enrichedId + " / "
                    + deadLetterId + " (the ids an empty registry gives the enriched record and DeadLetter, in that order)");
        }
        int concurrency = args.integer("concurrency", 1);
        String url = args.string("api-url");
        String suffix = "/chat/completions";
        ClientConfig client = ClientConfig.builder()
                .baseUrl(url.endsWith(suffix) ? url.substring(0, url.length() - suffix.length()) : url)
                .apiKey(ApiKey.of(PeerArgs.apiKey()))
                .maxInFlight(concurrency)
                .adaptiveConcurrency(false)
                .retry(RetryPolicy.defaults())
                .build();
        PipelineSettings settings = PipelineSettings.builder()
                .applicationId(args.string("group"))
                .bootstrapServers(args.string("bootstrap"))
                .inputTopic(args.string("input-topic"))
                .enrichedTopic(enriched)
                .deadLetterTopic(deadLetters)
                .tasks(List.of(PeerRecords.task()))
                .engine(EngineConfig.defaults().withMaxInFlight(concurrency).withOrdering(Ordering.KEY)
                        // Each stream task may hold all C calls' events and as many again finished or waiting:
                        // with the default 1,024 per task, C = 4096 over 4 unevenly keyed tasks made a full task
                        // wait for room (and then park events in its store) while the others had slots free.
                        .withMaxPendingPerTask(Math.max(1024, 2 * concurrency)))
                .guarantee(ProcessingGuarantee.parse(args.string("guarantee", "exactly_once_v2")))
                .streamThreads(args.integer("threads", 1, 1))
                .stateDir(Path.of(args.string("state-dir")))
                .build();
        double ratio = tracingRatio(args);
        // Tracing.OFF has no tracer (the pipeline is then exactly the untraced one) and closes as a no-op.
        Tracing tracing = ratio == 0 ? Tracing.OFF : Tracing.start(new TracingSettings(true, tracingEndpoint(args),
                "http/protobuf", "traceidratio", ratio, "stream-enricher-bench", null, null), Map.of());
        EnrichmentPipeline pipeline;
        try {
            pipeline = EnrichmentPipeline.start(settings, client, registry, CallObserver.NONE, tracing.tracer());
        } catch (RuntimeException e) {
            tracing.close();
            throw e;
        }
        AutoCloseable stop = () -> {
            try {
                pipeline.close(Duration.ofSeconds(30));
            } finally {
                tracing.close();
            }
        };
        try {
            pipeline.awaitRunning(Duration.ofSeconds(120));
        } catch (IllegalStateException | InterruptedException e) {
            try {
                stop.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return stop;
    }

    private static URI tracingEndpoint(PeerArgs args) {
        try {
            return URI.create(args.string("tracing-endpoint"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option --tracing-endpoint: " + e.getMessage(), e);
        }
    }

    /**
     * {@code --tracing}: 0 for {@code off} (the default), else the sampling ratio in (0, 1].
     *
     * @throws IllegalArgumentException naming the option when it is neither
     */
    static double tracingRatio(PeerArgs args) {
        String v = args.string("tracing", "off").trim();
        if (v.equalsIgnoreCase("off")) {
            return 0;
        }
        double ratio;
        try {
            ratio = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("option --tracing must be off or a sampling ratio in (0, 1], got '"
                    + v + "'");
        }
        return ratio;
    }
}
