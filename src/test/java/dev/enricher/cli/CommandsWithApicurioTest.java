package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.testing.ApicurioRegistry;
import dev.enricher.testing.DeadLetters;
import dev.enricher.testing.KafkaPerClass;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tail and replay-dlq end to end with --registry-url pointing at a real Apicurio Registry (Confluent API). */
class CommandsWithApicurioTest {
    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();
    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    @Test
    void tailDecodesAndReplayDlqReplaysThroughTheRegistryUrl() throws Exception {
        KAFKA.createTopic("enriched", 1);
        KAFKA.createTopic("dead-letters", 1);
        KAFKA.createTopic("raw-messages", 1);
        HttpSchemaRegistry registry = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()));
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var enriched = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
             var deadLetters = AvroSerdes.specific(DeadLetter.class, registry, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("enriched", DeadLetters.utf8("evt-3"),
                    enriched.serializer().serialize("enriched", BenchSerdeCommand.event(3)))).get();
            producer.send(new ProducerRecord<>("dead-letters", DeadLetters.utf8("user-1"),
                    deadLetters.serializer().serialize("dead-letters", DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED,
                            DeadLetters.utf8("user-1"), DeadLetters.utf8("{\"id\":\"1\",\"text\":\"hello\"}"), null,
                            "trace-id", "t-1")))).get();
        }

        Cli.Result tail = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "enriched",
                "--registry-url", APICURIO.ccompatUrl(), "--from-beginning", "--max", "1");
        assertThat(tail.exit()).as(tail.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(tail.out());
        assertThat(doc.get("value_encoding").asText()).isEqualTo("avro");
        assertThat(doc.at("/value/id").asText()).isEqualTo("evt-3");
        assertThat(doc.at("/value/results/followups/questions/0").asText())
                .isEqualTo("Can I exchange the boots for a different size?");

        Cli.Result replay = Cli.run("replay-dlq", "--bootstrap-servers", KAFKA.bootstrapServers(), "--from", "dead-letters",
                "--to", "raw-messages", "--registry-url", APICURIO.ccompatUrl());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.lastLine()).startsWith("replay-dlq: read=1 replayed=1 ");
        List<ConsumerRecord<byte[], byte[]>> raw = Cli.readAll(KAFKA.bootstrapServers(), "raw-messages", 1);
        assertThat(raw).hasSize(1);
        assertThat(raw.get(0).value()).asString().isEqualTo("{\"id\":\"1\",\"text\":\"hello\"}");
        assertThat(raw.get(0).headers().lastHeader("enricher.replay-count").value()).asString().isEqualTo("1");
        assertThat(raw.get(0).headers().lastHeader("trace-id").value()).asString().isEqualTo("t-1");
    }

    @Test
    void anUnreachableRegistryStopsTailWithExitOne() throws Exception {
        KAFKA.createTopic("enriched-2", 1);
        HttpSchemaRegistry registry = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()));
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var enriched = AvroSerdes.generic(registry, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("enriched-2",
                    enriched.serializer().serialize("enriched-2", BenchSerdeCommand.event(4)))).get();
        }
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.Result tail = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "enriched-2",
                "--registry-url", "http://127.0.0.1:" + port, "--from-beginning", "--max", "1");
        assertThat(tail.exit()).isEqualTo(1);
        assertThat(tail.err()).contains("unreachable").contains("--registry-url");
    }
}
