package dev.enricher.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.engine.EngineConfig;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.PipelineFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PipelineSmokeTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void everyEventComesOutOnce() throws Exception {
        Simulator sim = fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(50)));
        fx.createTopic("in", 2, Map.of());
        fx.createTopic("out", 2, Map.of());
        fx.createTopic("dlq", 1, Map.of());
        int n = 2000;
        List<PipelineFixture.Draft> drafts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String v = i % 100 == 7 ? "not json" : "{\"id\":\"e" + i + "\",\"text\":\"Football boots for sale number " + i + "\"}";
            drafts.add(new PipelineFixture.Draft("k" + (i % 37), null, null, v.getBytes(StandardCharsets.UTF_8), List.of()));
        }
        fx.send("in", drafts);
        PipelineSettings s = PipelineSettings.builder().bootstrapServers(fx.bootstrapServers())
                .inputTopic("in").enrichedTopic("out").deadLetterTopic("dlq").stateDir(fx.dir().resolve("state"))
                .tasks(List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB))))
                .engine(EngineConfig.defaults().withMaxInFlight(64).withMaxPendingPerTask(200))
                .build();
        ClientConfig cc = ClientConfig.builder().baseUrl(sim.baseUrl()).apiKey(ApiKey.of(PipelineFixture.API_KEY)).build();
        var enrichedReader = dev.enricher.serde.AvroDeserializer.mixed(fx.registry());
        var dlqSerde = dev.enricher.serde.AvroSerdes.specific(dev.enricher.avro.DeadLetter.class, fx.registry(),
                dev.enricher.serde.AvroSerdeConfig.defaults());
        EnrichmentPipeline pipeline = fx.start(s, cc);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", fx.bootstrapServers(),
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
                        var e = enrichedReader.deserialize("out", r.value());
                        id = e.get("source_partition") + ":" + e.get("source_offset");
                        assertThat(EnrichedRecords.result(e, "iab")).isInstanceOf(dev.enricher.avro.IabResult.class);
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
