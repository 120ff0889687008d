package dev.enricher.bench.peers;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatWire;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskResult;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The plain Kafka Streams contenders, same input and output as the others:
 * <ul>
 *   <li>{@code blocking}: what a Streams user writes first: each record's API call made in the topology
 *       ({@code processValues}, the {@code mapValues} that can see the record's offset) with the JDK's blocking
 *       {@link HttpClient#send}, so a stream thread serves one event per round trip;</li>
 *   <li>{@code passthrough}: the same topology without the call (decode the JSON, write the enriched record with a
 *       null {@code results.iab}): what Kafka Streams, the serdes and the broker cost on this machine, the floor under every
 *       contender.</li>
 * </ul>
 * A failed call (non-2xx, transport error, unparseable answer) throws, which stops the stream thread as a plain app
 * would; the benchmark's simulator never fails. Inputs that are not JSON events are skipped.
 */
final class StreamsPeer {
    private StreamsPeer() {
    }

    static AutoCloseable start(PeerArgs args, boolean callApi) {
        String input = args.string("input-topic");
        String output = args.string("output-topic");
        int schemaId = args.integer("schema-id", 0);
        EnrichmentTask task = PeerRecords.task();
        BlockingCall call = callApi ? new BlockingCall(URI.create(args.string("api-url")), PeerArgs.apiKey()) : null;
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .processValues(() -> new Enrich(schemaId, task, call))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args.string("group"));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.string("bootstrap"));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                ProcessingGuarantee.parse(args.string("guarantee", "at_least_once")).streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, args.integer("threads", 1, 1));
        p.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(args.string("state-dir")).toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // else Streams warns at start
        KafkaStreams streams = new KafkaStreams(builder.build(), p);
        streams.start();
        return () -> streams.close(Duration.ofSeconds(30));
    }

    /** One blocking round trip per call, on the calling stream thread. */
    private record BlockingCall(URI url, String apiKey, HttpClient http, ChatWire wire) {
        BlockingCall(URI url, String apiKey) {
            this(url, apiKey, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build(), new ChatWire());
        }

        ChatCompletion complete(EnrichmentTask task, String text) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .header("x-api-key", apiKey)
                    .header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(wire.requestBody(task.request(text))))
                    .build();
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("the API answered HTTP " + response.statusCode());
            }
            byte[] body = response.body();
            return wire.completion(body, 0, body.length, response.headers().firstValue("x-request-id").orElse(null),
                    1, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static final class Enrich implements FixedKeyProcessor<byte[], byte[], byte[]> {
        private final int schemaId;
        private final EnrichmentTask task;
        private final BlockingCall call;
        private FixedKeyProcessorContext<byte[], byte[]> context;

        Enrich(int schemaId, EnrichmentTask task, BlockingCall call) {
            this.schemaId = schemaId;
            this.task = task;
            this.call = call;
        }

        @Override
        public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            PeerRecords.Input in;
            try {
                in = PeerRecords.input(record.value());
            } catch (IllegalArgumentException e) {
                return; // not an event: nothing to enrich
            }
            RecordMetadata m = context.recordMetadata().orElseThrow();
            TaskResult result = null;
            ChatCompletion completion = null;
            if (call != null) {
                try {
                    completion = call.complete(task, in.text());
                } catch (IOException e) {
                    throw new IllegalStateException("API call failed: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during an API call", e);
                }
                result = task.parse(completion, in.text());
            }
            context.forward(record.withValue(PeerRecords.enriched(schemaId, m.topic(), m.partition(), m.offset(),
                    record.timestamp(), in, task, result, completion)));
        }
    }
}
