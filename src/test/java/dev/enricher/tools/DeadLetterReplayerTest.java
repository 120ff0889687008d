package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.testing.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The replayer's contract against Kafka's mock clients: what it reads, what it writes, in which transaction. */
class DeadLetterReplayerTest {
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();
    private static final String DLQ = "dlq";
    private static final TopicPartition P0 = new TopicPartition(DLQ, 0);
    private static final ReplayPlan ALL = new ReplayPlan(Set.of(), null, 3);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final List<String> dryRun = new ArrayList<>();
    private final List<String> leftAlone = new ArrayList<>();
    private long now;

    @Test
    void onePollIsOneTransactionWithTheGroupsOffsets() {
        deadLetters(value("v1"), value("v2"), value("v3"));
        ReplayCounts counts = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, "g")).run();
        assertThat(counts).isEqualTo(new ReplayCounts(3, 3, 0, 0, 0));
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("v1", "v2", "v3");
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("raw");
        assertThat(producer.consumerGroupOffsetsHistory())
                .containsExactly(Map.of("g", Map.of(P0, new OffsetAndMetadata(3))));
    }

    @Test
    void maxCountsCommittedReplaysAndLeavesTheRestUnread() {
        deadLetters(value("v1"), value("v2"), value("v3"));
        ReplayCounts counts = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, 2L, null)).run();
        assertThat(counts).isEqualTo(new ReplayCounts(2, 2, 0, 0, 0));
        assertThat(producer.history()).hasSize(2);
        assertThat(producer.consumerGroupOffsetsHistory()).isEmpty();
    }

    @Test
    void aDryRunSendsNothingAndReportsWhatItWouldReplay() {
        deadLetters(value("v1"));
        ReplayCounts counts = replayer(null, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null)).run();
        assertThat(counts).isEqualTo(new ReplayCounts(1, 1, 0, 0, 0));
        assertThat(dryRun).singleElement().asString().contains("\"dlq_offset\":0", "\"to\":\"raw\"",
                "\"value\":\"v1\"", "\"replay_count\":1");
    }

    @Test
    void unreadableRecordsAndTombstonesAreLeftAloneAndCounted() {
        deadLetters("not avro".getBytes(StandardCharsets.UTF_8), null, value("v3"));
        ReplayCounts counts = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null)).run();
        assertThat(counts).isEqualTo(new ReplayCounts(3, 1, 0, 0, 2));
        assertThat(leftAlone).hasSize(2);
        assertThat(leftAlone.get(0)).startsWith("dlq partition 0 offset 0: not a readable dead letter, left alone");
        assertThat(leftAlone.get(1)).isEqualTo("dlq partition 0 offset 1: a null value (tombstone), not a dead "
                + "letter: left alone");
    }

    @Test
    void aFailedSendRollsTheWholeBatchBack() {
        deadLetters(value("v1"), value("v2"));
        producer.sendException = new KafkaException("record too large");
        DeadLetterReplayer replayer = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null));
        assertThatThrownBy(replayer::run).isInstanceOf(DeadLetterReplayer.RolledBack.class)
                .hasMessage("sending to raw failed, the batch was rolled back: record too large");
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.history()).isEmpty();
        assertThat(replayer.counts().replayed()).isZero();
    }

    @Test
    void aDeadLetterThatKeptOnlyItsCoordinatesIsReplayedFromItsSourceOrLeftAloneSayingWhy() {
        DeadLetter kept = DeadLetters.of(DeadLetterCategory.VALIDATION, null, null, null);
        kept.setSourceTopic("raw");
        kept.setSourcePartition(2);
        kept.setSourceOffset(41);
        byte[] value = AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults()).serializer()
                .serialize(DLQ, kept);
        partitions(2);
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < 2; i++) {
                org.apache.kafka.common.header.internals.RecordHeaders h =
                        new org.apache.kafka.common.header.internals.RecordHeaders();
                h.add(dev.enricher.topology.RecordAssembler.HEADER_VALUE_DROPPED, "true".getBytes());
                consumer.addRecord(new ConsumerRecord<>(DLQ, 0, i, 0L,
                        org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, null, value, h,
                        java.util.Optional.empty()));
            }
        });
        org.apache.kafka.common.header.internals.RecordHeaders originalHeaders =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        originalHeaders.add("trace", "t-41".getBytes());
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("raw", 2, 41, 0L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, "k".getBytes(),
                "{\"text\":\"again\"}".getBytes(), originalHeaders, java.util.Optional.empty());
        int[] reads = new int[1];
        DeadLetterReplayer replayer = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null))
                .sources((topic, partition, offset) -> {
                    assertThat(topic + "-" + partition + "@" + offset).isEqualTo("raw-2@41");
                    return reads[0]++ == 0 ? java.util.Optional.of(original) : java.util.Optional.empty();
                });
        replayer.run();

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(new String(r.value())).isEqualTo("{\"text\":\"again\"}");
            assertThat(new String(r.key())).isEqualTo("k");
            assertThat(new String(r.headers().lastHeader("trace").value())).isEqualTo("t-41");
        });
        assertThat(leftAlone).singleElement().asString().contains("raw-2@41 is no longer in its topic");
    }

    @Test
    void aMissingTopicIsNamed() {
        DeadLetterReplayer replayer = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null));
        assertThatThrownBy(replayer::run).isInstanceOf(TopicNotFoundException.class)
                .extracting(e -> ((TopicNotFoundException) e).topic()).isEqualTo(DLQ);
    }

    @Test
    void aMinuteWithoutRecordsBeforeTheEndIsAStall() {
        partitions(5);
        DeadLetterReplayer replayer = replayer(producer, new DeadLetterReplayer.Settings(DLQ, "raw", ALL, null, null));
        assertThatThrownBy(replayer::run).isInstanceOf(DeadLetterReplayer.Stalled.class)
                .hasMessageContaining("no records from dlq for 60 s");
    }

    private DeadLetterReplayer replayer(MockProducer<byte[], byte[]> p, DeadLetterReplayer.Settings settings) {
        DeadLetterReplayer.ReplayReport report = new DeadLetterReplayer.ReplayReport() {
            @Override
            public void wouldReplay(String json) {
                dryRun.add(json);
            }

            @Override
            public void leftAlone(String where, String why) {
                leftAlone.add(where + ": " + why);
            }
        };
        // Every look at the clock is 10 s later: time moves without waiting.
        return new DeadLetterReplayer(consumer, p, AvroDeserializer.specific(DeadLetter.class, REGISTRY), settings,
                report, () -> now += Duration.ofSeconds(10).toNanos());
    }

    private void partitions(long endOffset) {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(DLQ, List.of(new PartitionInfo(DLQ, 0, node, new Node[] {node}, new Node[] {node})));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, endOffset));
    }

    /** The values at offsets 0, 1, ... of the one partition, delivered by the first poll. */
    private void deadLetters(byte[]... values) {
        partitions(values.length);
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.length; i++) {
                consumer.addRecord(new ConsumerRecord<>(DLQ, 0, i, null, values[i]));
            }
        });
    }

    private static byte[] value(String original) {
        DeadLetter dl = DeadLetters.of(DeadLetterCategory.VALIDATION, null, DeadLetters.utf8(original), null);
        return AvroSerdes.specific(DeadLetter.class, REGISTRY, AvroSerdeConfig.defaults()).serializer()
                .serialize(DLQ, dl);
    }
}
