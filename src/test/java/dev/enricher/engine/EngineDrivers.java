package dev.enricher.engine;

import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** The engine's topology under {@link TopologyTestDriver}, as the engine's tests run it: topics in, out and dlq. */
final class EngineDrivers {
    private EngineDrivers() {
    }

    /** Settings of a pipeline over in -> out / dlq with {@code tasks} on {@code config}; no broker behind it. */
    static PipelineSettings.Builder settings(String applicationId, EngineConfig config, List<EnrichmentTask> tasks) {
        return PipelineSettings.builder().bootstrapServers("unused:9092").applicationId(applicationId)
                .inputTopic("in").enrichedTopic("out").deadLetterTopic("dlq").tasks(tasks).engine(config);
    }

    /** A driver of {@code engine}'s topology under {@code settings}, at_least_once, its state in {@code stateDir}. */
    static TopologyTestDriver driver(PipelineSettings settings, EnrichmentEngine engine, Path stateDir, Instant start) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        return new TopologyTestDriver(EnrichmentPipeline.topology(settings, engine), p, start);
    }
}
