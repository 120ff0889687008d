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
import dev.enricher.tools.JsonRendering;
import dev.enricher.tools.ReplayPlan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stream-enricher replay-dlq} against the in-process broker, with the registry injected. */
class ReplayDlqCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();
    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    @Test
    void replaysTheOriginalBytesAndHeadersWithAReplayCount() {
        KAFKA.createTopic("dlq-exact", 2);
        KAFKA.createTopic("raw-exact", 1);
        write("dlq-exact",
                DeadLetters.of(DeadLetterCategory.DESERIALIZATION, DeadLetters.utf8("k1"), DeadLetters.BINARY, null,
                        "trace-id", "abc", "empty", null),
                DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8("not json"), null),
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.BINARY, DeadLetters.utf8("{\"text\":\"x\"}"),
                        null, "other", "1", ReplayPlan.REPLAY_COUNT_HEADER, "1", "last", "z"));

        Cli.Result r = replay("--from", "dlq-exact", "--to", "raw-exact");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).isEqualTo("replay-dlq: read=3 replayed=3 skipped_filter=0 refused_max_replays=0 "
                + "dry_run=false unreadable=0");

        List<ConsumerRecord<byte[], byte[]>> out = Cli.readAll(KAFKA.bootstrapServers(), "raw-exact", 3);
        assertThat(out).hasSize(3);
        ConsumerRecord<byte[], byte[]> first = byValue(out, DeadLetters.BINARY);
        assertThat(first.key()).isEqualTo(DeadLetters.utf8("k1"));
        assertThat(headers(first)).containsExactly("trace-id=abc", "empty=null", "enricher.replay-count=1");
        ConsumerRecord<byte[], byte[]> second = byValue(out, DeadLetters.utf8("not json"));
        assertThat(second.key()).isNull();
        assertThat(headers(second)).containsExactly("enricher.replay-count=1");
        ConsumerRecord<byte[], byte[]> third = byValue(out, DeadLetters.utf8("{\"text\":\"x\"}"));
        assertThat(third.key()).isEqualTo(DeadLetters.BINARY);
        assertThat(headers(third)).containsExactly("other=1", "last=z", "enricher.replay-count=2");
    }

    @Test
    void aDeadLetterThatKeptOnlyItsCoordinatesIsReplayedFromTheInputTopic() {
        KAFKA.createTopic("dlq-dropped", 1);
        KAFKA.createTopic("raw-dropped", 1);
        KAFKA.createTopic("in-dropped", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var serde = AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults())) {
            ProducerRecord<byte[], byte[]> input = new ProducerRecord<>("in-dropped", 0, DeadLetters.utf8("k9"),
                    DeadLetters.utf8("{\"text\":\"Call Ann\"}"));
            input.headers().add("trace-id", DeadLetters.utf8("t-9"));
            long offset = producer.send(input).get().offset();
            DeadLetter kept = DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, null, null, null);
            kept.setSourceTopic("in-dropped");
            kept.setSourcePartition(0);
            kept.setSourceOffset(offset);
            ProducerRecord<byte[], byte[]> dl = new ProducerRecord<>("dlq-dropped", 0, null,
                    serde.serializer().serialize("dlq-dropped", kept));
            dl.headers().add(dev.enricher.topology.RecordAssembler.HEADER_VALUE_DROPPED, DeadLetters.utf8("true"));
            producer.send(dl).get();
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            throw new AssertionError(e);
        }

        Cli.Result r = replay("--from", "dlq-dropped", "--to", "raw-dropped");
        assertThat(r.exit()).as(r.err()).isZero();
        ConsumerRecord<byte[], byte[]> out = Cli.readAll(KAFKA.bootstrapServers(), "raw-dropped", 1).get(0);
        assertThat(out.key()).isEqualTo(DeadLetters.utf8("k9"));
        assertThat(out.value()).isEqualTo(DeadLetters.utf8("{\"text\":\"Call Ann\"}"));
        assertThat(headers(out)).containsExactly("trace-id=t-9", "enricher.replay-count=1");
    }

    @Test
    void filtersByCategorySinceAndMax() {
        KAFKA.createTopic("dlq-filter", 1);
        Instant now = Instant.now();
        write("dlq-filter",
                DeadLetters.of(DeadLetterCategory.DESERIALIZATION, DeadLetters.utf8("a"), DeadLetters.utf8("v1"), now.minus(Duration.ofHours(3))),
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("b"), DeadLetters.utf8("v2"), now.minus(Duration.ofMinutes(30))),
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("c"), DeadLetters.utf8("v3"), now.minus(Duration.ofMinutes(10))),
                DeadLetters.of(DeadLetterCategory.VALIDATION, DeadLetters.utf8("d"), DeadLetters.utf8("v4"), now.minus(Duration.ofMinutes(5))),
                // No dead_lettered_at: the dead-letter record's own timestamp (now) counts.
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("e"), DeadLetters.utf8("v5"), null));

        Cli.Result byCategory = replay("--from", "dlq-filter", "--to", "raw-category", "--category", "api_retries_exhausted");
        assertThat(byCategory.lastLine()).startsWith("replay-dlq: read=5 replayed=3 skipped_filter=2 refused_max_replays=0");
        assertThat(values(Cli.readAll(KAFKA.bootstrapServers(), "raw-category", 3))).containsExactly("v2", "v3", "v5");

        Cli.Result since = replay("--from", "dlq-filter", "--to", "raw-since", "--since", now.minus(Duration.ofMinutes(15)).toString());
        assertThat(since.lastLine()).startsWith("replay-dlq: read=5 replayed=3 skipped_filter=2 ");
        assertThat(values(Cli.readAll(KAFKA.bootstrapServers(), "raw-since", 3))).containsExactly("v3", "v4", "v5");

        Cli.Result combined = replay("--from", "dlq-filter", "--to", "raw-max", "--category", "Api_Retries_Exhausted,validation",
                "--since", "1h", "--max", "2");
        assertThat(combined.exit()).as(combined.err()).isZero();
        assertThat(combined.lastLine()).startsWith("replay-dlq: read=3 replayed=2 skipped_filter=1 refused_max_replays=0");
        assertThat(values(Cli.readAll(KAFKA.bootstrapServers(), "raw-max", 2))).containsExactly("v2", "v3");
    }

    @Test
    void aDryRunPrintsWhatWouldBeReplayedAndPublishesNothing() throws Exception {
        KAFKA.createTopic("dlq-dry", 1);
        write("dlq-dry",
                DeadLetters.of(DeadLetterCategory.OVERSIZED, DeadLetters.utf8("k"), DeadLetters.BINARY, Instant.parse("2026-11-25T08:00:00Z")),
                DeadLetters.of(DeadLetterCategory.VALIDATION, DeadLetters.utf8("k2"), DeadLetters.utf8("v"), null));
        Cli.Result r = replay("--from", "dlq-dry", "--to", "raw-dry", "--dry-run", "--category", "oversized");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).isEqualTo("replay-dlq: read=2 replayed=1 skipped_filter=1 refused_max_replays=0 "
                + "dry_run=true unreadable=0");
        JsonNode line = JSON.readTree(r.outLines().get(0));
        assertThat(line.get("dlq_offset").asLong()).isZero();
        assertThat(line.get("category").asText()).isEqualTo("OVERSIZED");
        assertThat(line.get("replay_count").asInt()).isEqualTo(1);
        assertThat(line.get("key").asText()).isEqualTo("k");
        assertThat(line.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(line.get("dead_lettered_at").asText()).isEqualTo("2026-11-25T08:00:00Z");
        assertThat(Cli.endOffsets(KAFKA.bootstrapServers(), "raw-dry")).isZero();
    }

    @Test
    void refusesRecordsThatWouldExceedMaxReplays() {
        KAFKA.createTopic("dlq-loop", 1);
        write("dlq-loop",
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("a"), DeadLetters.utf8("third"), null,
                        ReplayPlan.REPLAY_COUNT_HEADER, "2"),
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("b"), DeadLetters.utf8("fourth"), null,
                        ReplayPlan.REPLAY_COUNT_HEADER, "3"),
                DeadLetters.of(DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("c"), DeadLetters.utf8("garbled"), null,
                        ReplayPlan.REPLAY_COUNT_HEADER, "many"));
        Cli.Result r = replay("--from", "dlq-loop", "--to", "raw-loop");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).startsWith("replay-dlq: read=3 replayed=1 skipped_filter=0 refused_max_replays=2 ");
        assertThat(r.err()).contains("dlq-loop partition 0 offset 1: refused").contains("--max-replays 3")
                .contains("offset 2: refused").contains("'many' is not a number");
        List<ConsumerRecord<byte[], byte[]>> out = Cli.readAll(KAFKA.bootstrapServers(), "raw-loop", 1);
        assertThat(values(out)).containsExactly("third");
        assertThat(headers(out.get(0))).containsExactly("enricher.replay-count=3");

        Cli.Result lenient = replay("--from", "dlq-loop", "--to", "raw-loop-2", "--max-replays", "5");
        assertThat(lenient.lastLine()).startsWith("replay-dlq: read=3 replayed=2 skipped_filter=0 refused_max_replays=1 ");
    }

    @Test
    void aGroupCommitsWhatWasReadSoTheNextRunTakesOnlyNewDeadLetters() {
        KAFKA.createTopic("dlq-group", 1);
        write("dlq-group",
                DeadLetters.of(DeadLetterCategory.VALIDATION, DeadLetters.utf8("a"), DeadLetters.utf8("one"), null),
                DeadLetters.of(DeadLetterCategory.VALIDATION, DeadLetters.utf8("b"), DeadLetters.utf8("two"), null));
        assertThat(replay("--from", "dlq-group", "--to", "raw-group", "--group", "replayer").lastLine())
                .startsWith("replay-dlq: read=2 replayed=2 ");
        write("dlq-group", DeadLetters.of(DeadLetterCategory.VALIDATION, DeadLetters.utf8("c"), DeadLetters.utf8("three"), null));
        assertThat(replay("--from", "dlq-group", "--to", "raw-group", "--group", "replayer").lastLine())
                .startsWith("replay-dlq: read=1 replayed=1 ");
        // Without a group nothing was committed: everything again.
        assertThat(replay("--from", "dlq-group", "--to", "raw-group-all").lastLine())
                .startsWith("replay-dlq: read=3 replayed=3 ");
        assertThat(values(Cli.readAll(KAFKA.bootstrapServers(), "raw-group", 3))).containsExactly("one", "two", "three");
    }

    @Test
    void unreadableDeadLettersAreReportedAndTheRestReplayed() throws Exception {
        KAFKA.createTopic("dlq-unreadable", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("dlq-unreadable", "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        write("dlq-unreadable", DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8("ok"), null));
        Cli.Result r = replay("--from", "dlq-unreadable", "--to", "raw-unreadable");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.lastLine()).isEqualTo("replay-dlq: read=2 replayed=1 skipped_filter=0 refused_max_replays=0 "
                + "dry_run=false unreadable=1");
        assertThat(r.err()).contains("dlq-unreadable partition 0 offset 0: not a readable dead letter");
    }

    @Test
    void transactionalDeadLettersAreReadToTheEndAndAbortedOnesNeverReplayed() {
        KAFKA.createTopic("dlq-tx", 1);
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", KAFKA.bootstrapServers());
        p.put("transactional.id", "dead-letter-writer");
        p.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        p.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
             var serde = AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("dlq-tx", serde.serializer().serialize("dlq-tx",
                    DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8("committed-1"), null))));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("dlq-tx", serde.serializer().serialize("dlq-tx",
                    DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8("aborted"), null))));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("dlq-tx", serde.serializer().serialize("dlq-tx",
                    DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8("committed-2"), null))));
            producer.commitTransaction(); // the log now ends with a commit marker
        }
        Cli.Result r = replay("--from", "dlq-tx", "--to", "raw-tx");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).startsWith("replay-dlq: read=2 replayed=2 ");
        assertThat(values(Cli.readAll(KAFKA.bootstrapServers(), "raw-tx", 2))).containsExactly("committed-1", "committed-2");
    }

    @Test
    void badOptionsExitTwoNamingTheFlag() {
        Cli.Result same = replay("--from", "x", "--to", "x");
        assertThat(same.exit()).isEqualTo(2);
        assertThat(same.err()).contains("--to x is the dead-letter topic itself");

        Cli.Result noRegistry = Cli.run("replay-dlq", "--bootstrap-servers", KAFKA.bootstrapServers(), "--from", "a", "--to", "b");
        assertThat(noRegistry.exit()).isEqualTo(2);
        assertThat(noRegistry.err()).contains("--registry-url is required");

        Cli.Result category = replay("--from", "a", "--to", "b", "--category", "bogus");
        assertThat(category.exit()).isEqualTo(2);
        assertThat(category.err()).contains("--category").contains("API_RETRIES_EXHAUSTED");

        Cli.Result since = replay("--from", "a", "--to", "b", "--since", "yesterday");
        assertThat(since.exit()).isEqualTo(2);
        assertThat(since.err()).contains("--since").contains("2026-11-25T10:00:00Z").contains("1h");

        Cli.Result missing = replay("--from", "no-such-dlq", "--to", "b");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("topic no-such-dlq does not exist");
    }

    private static Cli.Result replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay-dlq", "--bootstrap-servers", KAFKA.bootstrapServers()));
        all.addAll(List.of(args));
        return Cli.run(cmd -> ((ReplayDlqCommand) Cli.command(cmd, "replay-dlq")).registry = REGISTRY,
                all.toArray(new String[0]));
    }

    private static void write(String topic, DeadLetter... deadLetters) {
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var serde = AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults())) {
            for (DeadLetter dl : deadLetters) {
                producer.send(new ProducerRecord<>(topic, 0, JsonRendering.bytes(dl.getKey()),
                        serde.serializer().serialize(topic, dl)));
            }
            producer.flush();
        }
    }

    private static ConsumerRecord<byte[], byte[]> byValue(List<ConsumerRecord<byte[], byte[]>> records, byte[] value) {
        return records.stream().filter(r -> java.util.Arrays.equals(r.value(), value)).findFirst()
                .orElseThrow(() -> new AssertionError("no record with value " + java.util.Arrays.toString(value)));
    }

    private static List<String> headers(ConsumerRecord<byte[], byte[]> r) {
        List<String> out = new ArrayList<>();
        for (Header h : r.headers()) {
            out.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        return out;
    }
}
