package dev.enricher.chaos;

import dev.enricher.avro.DeadLetter;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.serde.WireFormat;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the output topics while the run goes on ({@code read_committed}, as a downstream consumer sees them) and
 * counts the inputs that have an output: the run's progress, its backlog and its drain all come from here. It is not
 * the checker (that reads everything again at the end); it only decodes each output's source coordinates.
 *
 * <p>Its own thread; the counters may be read from any thread.
 */
final class OutputWatcher implements AutoCloseable {
    static {
        GeneratedClassTrust.install();
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String enrichedTopic;
    /** The schema the run's configuration writes its enriched records with. */
    private final org.apache.avro.Schema enrichedSchema;
    private final Thread thread;
    private final Map<Integer, BitSet> seen = new HashMap<>();
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private volatile boolean running = true;

    OutputWatcher(String bootstrap, String enrichedTopic, String deadLetterTopic,
                  org.apache.avro.Schema enrichedSchema) {
        this.enrichedSchema = enrichedSchema;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-watcher-" + System.nanoTime());
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.enrichedTopic = enrichedTopic;
        consumer.subscribe(List.of(enrichedTopic, deadLetterTopic));
        this.thread = new Thread(this::loop, "chaos-output-watcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Inputs with at least one output so far. */
    long accounted() {
        return distinct.get();
    }

    /** Output records read so far, duplicates included. */
    long outputs() {
        return records.get();
    }

    private void loop() {
        SpecificDatumReader<GenericRecord> enriched = TopicRecords.enrichedReader(enrichedSchema);
        SpecificDatumReader<DeadLetter> dead = new SpecificDatumReader<>(DeadLetter.class);
        BinaryDecoder decoder = null;
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byte[] v = r.value();
                    if (v == null || v.length < WireFormat.HEADER_LENGTH) {
                        continue;
                    }
                    decoder = DecoderFactory.get().binaryDecoder(v, WireFormat.HEADER_LENGTH,
                            v.length - WireFormat.HEADER_LENGTH, decoder);
                    int partition;
                    long offset;
                    try {
                        if (r.topic().equals(enrichedTopic)) {
                            GenericRecord e = enriched.read(null, decoder);
                            partition = (Integer) e.get("source_partition");
                            offset = (Long) e.get("source_offset");
                        } else {
                            DeadLetter d = dead.read(null, decoder);
                            partition = d.getSourcePartition();
                            offset = d.getSourceOffset();
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        continue; // the checker reports it; progress only counts what it can read
                    }
                    records.incrementAndGet();
                    if (offset >= 0 && offset < Integer.MAX_VALUE) {
                        BitSet bits = seen.computeIfAbsent(partition, k -> new BitSet());
                        if (!bits.get((int) offset)) {
                            bits.set((int) offset);
                            distinct.incrementAndGet();
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
