package dev.enricher.tools;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads single input records back by their coordinates, for the replay of dead letters that kept only those
 * ({@code privacy.dead-letter-value: drop}): assigns the partition, seeks to the offset and polls. A record before
 * the log's start (retention) or removed by compaction is reported absent. Not thread-safe: the replayer's thread.
 */
public final class KafkaSourceReader implements DeadLetterReplayer.SourceReader, AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;

    /**
     * @param consumer a consumer without a group, {@code read_committed}, {@code auto.offset.reset=earliest} (so an
     *                 offset before the log's start moves to the start, and the record reads as absent); closed with
     *                 this reader
     */
    public KafkaSourceReader(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** The consumer's own settings: no group, read_committed, an offset before the log's start reads from its start. */
    public static java.util.Map<String, Object> consumerSettings() {
        java.util.Map<String, Object> c = ClientSettings.committedReader("stream-enricher-replay-source");
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return c;
    }

    @Override
    public Optional<ConsumerRecord<byte[], byte[]>> read(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                if (r.offset() == offset) {
                    return Optional.of(r);
                }
                if (r.offset() > offset) {
                    return Optional.empty(); // compacted away, or before the log's start
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
