package dev.enricher.topology;

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
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ScratchBench {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]); int lat = Integer.parseInt(a[1]); int c = Integer.parseInt(a[2]); String g = a[3];
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(lat)).build())) {
            kafka.createTopic("in", 4); kafka.createTopic("out", 4); kafka.createTopic("dlq", 1);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < n; i++) {
                    p.send(new ProducerRecord<>("in", "k" + (i % 1000), "{\"id\":\"e" + i + "\",\"text\":\"Football boots for sale number " + i + "\"}"));
                }
            }
            PipelineSettings s = PipelineSettings.builder().bootstrapServers(kafka.bootstrapServers())
                    .inputTopic("in").enrichedTopic("out").deadLetterTopic("dlq").stateDir(Files.createTempDirectory("sb"))
                    .tasks(List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB)))).guarantee(ProcessingGuarantee.parse(g))
                    .engine(EngineConfig.defaults().withMaxInFlight(c)).build();
            ClientConfig cc = ClientConfig.builder().baseUrl(sim.baseUrl()).apiKey(ApiKey.of("zgpu-smoke")).build();
            long t0 = System.nanoTime();
            try (EnrichmentPipeline pipeline = EnrichmentPipeline.start(s, cc, new InMemorySchemaRegistry());
                 KafkaConsumer<byte[], byte[]> con = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                         "group.id", "check", "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                         new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                con.subscribe(List.of("out", "dlq"));
                int seen = 0; long first = 0, last = 0;
                Thread mon = new Thread(() -> { try { while (true) { Thread.sleep(1000); System.out.println("mon inflight=" + pipeline.stats().inFlight() + " pending=" + pipeline.stats().pending() + " parked=" + pipeline.stats().parked() + " enriched=" + pipeline.stats().enriched() + " wait=" + pipeline.stats().admissionWaitMillis()); } } catch (InterruptedException e) { } });
                mon.setDaemon(true); mon.start();
                while (seen < n) {
                    int k = con.poll(Duration.ofMillis(100)).count();
                    if (k > 0) { if (first == 0) first = System.nanoTime(); last = System.nanoTime(); seen += k; }
                }
                double secs = (last - first) / 1e9;
                System.out.printf("scratch: n=%d eps=%.0f eff=%.3f peakInFlight=%d peakPending=%d waitMs=%d parkedNow=%d%n", n, n / secs,
                        (n / secs) / (c * 1000.0 / lat), pipeline.stats().peakInFlight(), pipeline.stats().peakPendingPerTask(),
                        pipeline.stats().admissionWaitMillis(), pipeline.stats().parked());
            }
        }
    }
}
