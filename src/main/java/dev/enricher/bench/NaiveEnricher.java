package dev.enricher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The naive design the engine replaces, for comparison only: a plain Kafka Streams app whose {@code mapValues}
 * calls the API and blocks on the answer ({@code client.complete(req).toCompletableFuture().join()}). The tasks of
 * one event are sent together and then joined, so an event costs one round trip; but a stream thread handles one
 * event at a time, so throughput is about {@code streamThreads / L} whatever the client's concurrency.
 *
 * <p>Output: a JSON object of task name to the answer's content (or {@code error}), same key as the input.
 */
final class NaiveEnricher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaStreams streams;

    private NaiveEnricher(KafkaStreams streams) {
        this.streams = streams;
    }

    static NaiveEnricher start(String bootstrap, String applicationId, String inputTopic, String outputTopic,
                               List<EnrichmentTask> tasks, ZeroGpuClient client, ProcessingGuarantee guarantee,
                               int streamThreads, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(value -> enrichBlocking(value, tasks, client))
                .to(outputTopic, Produced.with(Serdes.String(), Serdes.String()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee.streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // else Streams warns at start
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        return new NaiveEnricher(streams);
    }

    /** Runs on the stream thread and blocks it for a whole round trip: exactly what the engine avoids. */
    private static String enrichBlocking(String value, List<EnrichmentTask> tasks, ZeroGpuClient client) {
        ObjectNode out = JSON.createObjectNode();
        String text;
        try {
            text = JSON.readTree(value).path("text").asText("");
        } catch (IOException e) {
            return out.put("error", "not JSON: " + e.getMessage()).toString();
        }
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>(tasks.size());
        for (EnrichmentTask task : tasks) {
            calls.add(client.complete(task.request(text)).toCompletableFuture());
        }
        for (int i = 0; i < tasks.size(); i++) {
            try {
                out.put(tasks.get(i).name(), calls.get(i).join().content());
            } catch (CompletionException e) {
                out.put("error", String.valueOf(e.getCause()));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        try {
            streams.cleanUp();
        } catch (IllegalStateException e) {
            // still running after the timeout: the state directory is removed with its parent
        }
    }
}
