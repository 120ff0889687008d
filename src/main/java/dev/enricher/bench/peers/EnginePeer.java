package dev.enricher.bench.peers;

import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.engine.EngineConfig;
import dev.enricher.engine.Ordering;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * This project's pipeline as a benchmark contender: {@link EnrichmentPipeline} with the engine's max-in-flight set to
 * {@code --concurrency} and its pending events per task to twice that (at least the default 1,024), key order, the {@code iab} task, one stream thread unless {@code --threads}, the given
 * guarantee. Its schema registry is in-memory (the child process has no registry server to talk to), seeded so that
 * the enriched record of the {@code iab} task ({@link PeerRecords#SCHEMA}, the schema the pipeline derives from its
 * tasks) and DeadLetter get the ids the harness registered and passed in; it refuses to start otherwise.
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
        EnrichmentPipeline pipeline = EnrichmentPipeline.start(settings, client, registry);
        try {
            pipeline.awaitRunning(Duration.ofSeconds(120));
        } catch (IllegalStateException | InterruptedException e) {
            pipeline.close();
            throw e;
        }
        return () -> pipeline.close(Duration.ofSeconds(30));
    }
}
