package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.testing.DeadLetters;
import dev.enricher.testing.KafkaPerClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stream-enricher tail} against the in-process broker, with the registry injected. */
class TailCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();
    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    @Test
    void decodesEnrichedEventsDeadLettersAndPlainValuesToJson() throws Exception {
        KAFKA.createTopic("mixed", 1);
        org.apache.avro.generic.GenericRecord enriched = BenchSerdeCommand.event(7);
        DeadLetter dl = DeadLetters.of(DeadLetterCategory.DESERIALIZATION, DeadLetters.utf8("user-9"), DeadLetters.BINARY,
                Instant.parse("2026-11-25T10:15:30Z"), "trace-id", "abc-123", "empty", null);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var enrichedSerde = AvroSerdes.generic(REGISTRY, AvroSerdeConfig.defaults());
             var dlSerde = AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("mixed", null, 1_764_000_000_000L, DeadLetters.utf8("evt-7"),
                    enrichedSerde.serializer().serialize("mixed", enriched)));
            producer.send(new ProducerRecord<>("mixed", null, null, DeadLetters.utf8("user-9"),
                    dlSerde.serializer().serialize("mixed-dead-letters", dl),
                    List.of(new RecordHeader("__streams.errors.exception", DeadLetters.utf8("DecodeException")))));
            producer.send(new ProducerRecord<>("mixed", null, "plain text value".getBytes()));
            producer.send(new ProducerRecord<>("mixed", DeadLetters.BINARY, new byte[] {(byte) 0xc3, (byte) 0x28}));
            producer.flush();
        }

        Cli.Result r = Cli.run(cmd -> ((TailCommand) Cli.command(cmd, "tail")).registry = REGISTRY,
                "tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "mixed", "--from-beginning",
                "--max", "4");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("tail: printed=4");
        List<JsonNode> docs = new ArrayList<>();
        for (String line : r.outLines()) {
            docs.add(JSON.readTree(line)); // every line is one valid JSON document
        }
        assertThat(docs).hasSize(4);

        JsonNode e = docs.get(0);
        assertThat(e.get("topic").asText()).isEqualTo("mixed");
        assertThat(e.get("partition").asInt()).isZero();
        assertThat(e.get("offset").asLong()).isZero();
        assertThat(e.get("timestamp").asText()).isEqualTo("2025-11-24T16:00:00Z");
        assertThat(e.get("key").asText()).isEqualTo("evt-7");
        assertThat(e.get("key_encoding").asText()).isEqualTo("utf8");
        assertThat(e.get("value_encoding").asText()).isEqualTo("avro");
        assertThat(e.get("schema_id").asInt()).isPositive();
        JsonNode v = e.get("value");
        assertThat(v.get("id").asText()).isEqualTo("evt-7");
        assertThat(v.get("source_offset").asLong()).isEqualTo(7);
        assertThat(v.get("source_timestamp").asText()).isEqualTo(java.time.Instant.ofEpochMilli(
                dev.enricher.topology.EnrichedRecords.millis(enriched, "source_timestamp")).toString());
        assertThat(v.get("text_redacted").asBoolean()).isTrue();
        // results: one nested object per task, named by the task, without Avro's union wrapper.
        assertThat(v.get("results").fieldNames()).toIterable().containsExactly("iab", "followups", "pii");
        assertThat(v.at("/results/iab").fieldNames()).toIterable().containsExactly("audience", "iab_1_0", "iab_2_2");
        assertThat(v.at("/results/followups/questions").isArray()).isTrue();
        assertThat(v.at("/results/iab/iab_1_0/0/name").asText()).isEqualTo("Hobbies & Interests");
        assertThat(v.at("/results/pii/entities/0/text").asText()).isEqualTo("Anna Berger");
        assertThat(v.at("/model_calls/0/model").asText()).isEqualTo("zlm-v1-iab-classify-edge");

        JsonNode d = docs.get(1);
        assertThat(d.at("/headers/0/key").asText()).isEqualTo("__streams.errors.exception");
        assertThat(d.at("/headers/0/value").asText()).isEqualTo("DecodeException");
        JsonNode dv = d.get("value");
        assertThat(dv.get("category").asText()).isEqualTo("DESERIALIZATION");
        assertThat(dv.get("key").asText()).isEqualTo("user-9");
        assertThat(dv.get("key_encoding").asText()).isEqualTo("utf8");
        assertThat(dv.get("value").asText()).isEqualTo(Base64.getEncoder().encodeToString(DeadLetters.BINARY));
        assertThat(dv.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(dv.at("/headers/0/key").asText()).isEqualTo("trace-id");
        assertThat(dv.at("/headers/0/value").asText()).isEqualTo("abc-123");
        assertThat(dv.at("/headers/0/value_encoding").asText()).isEqualTo("utf8");
        assertThat(dv.at("/headers/1/value").isNull()).isTrue();
        assertThat(dv.get("dead_lettered_at").asText()).isEqualTo("2026-11-25T10:15:30Z");
        assertThat(dv.get("http_status").isNull()).isTrue();

        assertThat(docs.get(2).get("value").asText()).isEqualTo("plain text value");
        assertThat(docs.get(2).get("value_encoding").asText()).isEqualTo("utf8");
        assertThat(docs.get(2).get("key").isNull()).isTrue();
        assertThat(docs.get(3).get("value_encoding").asText()).isEqualTo("base64");
        assertThat(docs.get(3).get("key_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(docs.get(3).get("key").asText())).isEqualTo(DeadLetters.BINARY);
    }

    @Test
    void prettyPrintsAndATimeoutWithoutRecordsEndsTheRun() throws Exception {
        KAFKA.createTopic("quiet", 2);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("quiet", 1, null, "{\"a\":1}".getBytes())).get();
        }
        Cli.Result r = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "quiet",
                "--from-beginning", "--timeout", "1s", "--pretty");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\n  \"partition\" : 1,");
        assertThat(JSON.readTree(r.out()).get("value").asText()).isEqualTo("{\"a\":1}");
        assertThat(r.err()).contains("tail: printed=1");
    }

    @Test
    void withoutARegistryAvroValuesAreShownInBase64WithAHint() throws Exception {
        KAFKA.createTopic("avro-no-registry", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var serde = AvroSerdes.generic(REGISTRY, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("avro-no-registry",
                    serde.serializer().serialize("avro-no-registry", BenchSerdeCommand.event(1)))).get();
        }
        Cli.Result r = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "avro-no-registry",
                "--from-beginning", "--max", "1");
        assertThat(r.exit()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(doc.get("value_error").asText()).contains("--registry-url");
        assertThat(r.err()).contains("give --registry-url");
    }

    @Test
    void aMissingTopicExitsOne() {
        Cli.Result r = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "no-such-topic",
                "--timeout", "1s");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("topic no-such-topic does not exist").contains("--topic");
    }

    @Test
    void newRecordsAreShownWhenStartingAtTheEnd() throws Exception {
        KAFKA.createTopic("live", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("live", "old".getBytes())).get();
        }
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cmd = Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        TailCommand tail = Cli.command(cmd, "tail");
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(cmd.execute("tail", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "live")), "tail-command");
        t.start();
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers())) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
                producer.send(new ProducerRecord<>("live", "new".getBytes())).get();
                return out.toString().contains("\"new\"");
            });
        } finally {
            tail.stop();
            t.join(30_000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(out.toString()).doesNotContain("\"old\"");
    }
}
