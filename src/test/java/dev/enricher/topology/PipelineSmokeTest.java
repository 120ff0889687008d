package dev.enricher.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.engine.EngineConfig;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyEventComesOutOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(50)).build())) {
            kafka.createTopic("in", 2);
            kafka.createTopic("out", 2);
            kafka.createTopic("dlq", 1);
            int n = 2000;
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < n; i++) {
                    String v = i % 100 == 7 ? "not json" : "{\"id\":\"e" + i + "\",\"text\":\"Football boots for sale number " + i + "\"}";
                    p.send(new ProducerRecord<>("in", "k" + (i % 37), v));
                }
            }
            PipelineSettings s = PipelineSettings.builder().bootstrapServers(kafka.bootstrapServers())
                    .inputTopic("in").enrichedTopic("out").deadLetterTopic("dlq").stateDir(dir)
                    .tasks(List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB))))
                    .engine(EngineConfig.defaults().withMaxInFlight(64).withMaxPendingPerTask(200))
                    .build();
            ClientConfig cc = ClientConfig.builder().baseUrl(sim.baseUrl()).apiKey(ApiKey.of("zgpu-smoke")).build();
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            var enrichedSerde = dev.enricher.serde.AvroSerdes.specific(dev.enricher.avro.EnrichedEvent.class, registry,
                    dev.enricher.serde.AvroSerdeConfig.defaults());
            var dlqSerde = dev.enricher.serde.AvroSerdes.specific(dev.enricher.avro.DeadLetter.class, registry,
                    dev.enricher.serde.AvroSerdeConfig.defaults());
            try (EnrichmentPipeline pipeline = EnrichmentPipeline.start(s, cc, registry);
                 KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                         "group.id", "check", "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                         new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of("out", "dlq"));
                Set<String> seen = new HashSet<>();
                int[] dups = new int[1];
                int[] dlq = new int[1];
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        String id;
                        if (r.topic().equals("dlq")) {
                            var d = dlqSerde.deserializer().deserialize("dlq", r.value());
                            id = d.getSourcePartition() + ":" + d.getSourceOffset();
                            assertThat(d.getCategory().name()).isEqualTo("DESERIALIZATION");
                            dlq[0]++;
                        } else {
                            var e = enrichedSerde.deserializer().deserialize("out", r.value());
                            id = e.getSourcePartition() + ":" + e.getSourceOffset();
                            assertThat(e.getIab()).containsKey("iab");
                            assertThat(new String(r.key(), StandardCharsets.UTF_8)).startsWith("k");
                        }
                        if (!seen.add(id)) {
                            dups[0]++;
                        }
                    }
                    return seen.size() >= n;
                });
                assertThat(dups[0]).isZero();
                assertThat(dlq[0]).isEqualTo(20);
                assertThat(pipeline.stats().peakInFlight()).isLessThanOrEqualTo(64);
                System.out.println("smoke: peakInFlight=" + pipeline.stats().peakInFlight() + " peakPending="
                        + pipeline.stats().peakPendingPerTask() + " waitMs=" + pipeline.stats().admissionWaitMillis());
            }
        }
    }
}
