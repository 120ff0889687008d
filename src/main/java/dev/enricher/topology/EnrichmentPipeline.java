package dev.enricher.topology;

import dev.enricher.client.ClientConfig;
import dev.enricher.engine.EngineStats;
import dev.enricher.serde.SchemaRegistry;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * One running pipeline: input topic -> decode -> engine -> enriched / dead-letter topics, on Kafka Streams.
 *
 * <p>Owns its API client (built from the client config with the engine's in-flight cap; retries are the engine's,
 * persisted in its store) and its {@link KafkaStreams}. Thread-safe.
 */
public final class EnrichmentPipeline implements AutoCloseable {

    /**
     * Builds the topology, creates the client and starts Kafka Streams. Returns at once; the streams instance goes
     * through REBALANCING to RUNNING on its own.
     *
     * @param registry the schema registry for the Avro output (and Avro input)
     */
    public static EnrichmentPipeline start(PipelineSettings settings, ClientConfig client, SchemaRegistry registry) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The Kafka Streams instance (for state, metrics, pause/resume by the circuit). */
    public KafkaStreams streams() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The topology this pipeline runs. */
    public Topology topology() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The engine's live counters. */
    public EngineStats stats() {
        throw new UnsupportedOperationException("not yet");
    }

    /** True once Kafka Streams is RUNNING (and not paused by an open circuit). */
    public boolean isRunning() {
        throw new UnsupportedOperationException("not yet");
    }

    /** True while the circuit is open (the API refuses us or is down) and processing is paused. */
    public boolean circuitOpen() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops Kafka Streams (waiting up to {@code timeout}) and the client. Idempotent. */
    public void close(Duration timeout) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
