package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How a tail ends, against Kafka's MockConsumer and a clock that moves 1 s per look. */
class TopicTailTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final StringWriter out = new StringWriter();
    private long now;

    @Test
    void printsOneDocumentPerRecordUpToMax() throws Exception {
        topic(3);
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < 3; i++) {
                consumer.addRecord(new ConsumerRecord<>("t", 0, i, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
        });
        TopicTail tail = tail(new TopicTail.Settings("t", true, 2L, null, false));
        assertThat(tail.run()).isEqualTo(2);
        assertThat(out.toString().lines()).hasSize(2).allMatch(l -> l.startsWith("{\"topic\":\"t\",\"partition\":0"));
        assertThat(out.toString()).contains("\"value\":\"v1\"").doesNotContain("\"v2\"");
    }

    @Test
    void endsAfterTheIdleTimeoutWithoutWaiting() throws Exception {
        topic(0);
        assertThat(tail(new TopicTail.Settings("t", false, null, Duration.ofSeconds(5), false)).run()).isZero();
        assertThat(now).isBetween(Duration.ofSeconds(5).toNanos(), Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aStopBeforeTheRunEndsItAtOnce() throws Exception {
        topic(0);
        TopicTail tail = tail(new TopicTail.Settings("t", true, null, null, false));
        tail.stop();
        assertThat(tail.run()).isZero();
    }

    @Test
    void aMissingTopicIsNamed() {
        TopicTail tail = tail(new TopicTail.Settings("t", true, null, null, false));
        assertThatThrownBy(tail::run).isInstanceOf(TopicNotFoundException.class).hasMessage("topic t does not exist");
    }

    private TopicTail tail(TopicTail.Settings settings) {
        return new TopicTail(consumer, null, settings, new PrintWriter(out), () -> { },
                () -> now += Duration.ofSeconds(1).toNanos());
    }

    private void topic(long endOffset) {
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions("t", List.of(new PartitionInfo("t", 0, node, new Node[] {node}, new Node[] {node})));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, endOffset));
    }
}
