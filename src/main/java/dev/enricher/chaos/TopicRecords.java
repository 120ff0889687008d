package dev.enricher.chaos;

import dev.enricher.avro.DeadLetter;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.serde.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as a checker sees it: {@code read_committed}, from the first offset to the end offsets taken
 * at the start (a committed view: aborted transactions and their markers are skipped), and decodes the service's
 * outputs. Outputs are decoded with the schemas this build writes (the instances' registry is in memory, so the
 * schema id in each record's header is not looked up; the header is checked for the magic byte only).
 */
final class TopicRecords {
    static {
        GeneratedClassTrust.install();
    }

    private TopicRecords() {
    }

    /** One input record as the checker needs it. */
    record In(int partition, long offset, String key, long seq, Poison poison, byte[] value) {
    }

    /** One output record: where it is, which input it names, and what it holds (one of the two values). */
    record Out(int partition, long offset, String key, int sourcePartition, long sourceOffset,
               GenericRecord enriched, DeadLetter deadLetter) {
    }

    static List<In> inputs(String bootstrap, String topic, Duration atMost) {
        List<In> in = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topic, atMost)) {
            String seq = header(r, ChaosStream.SEQ_HEADER);
            String poison = header(r, ChaosStream.POISON_HEADER);
            in.add(new In(r.partition(), r.offset(), key(r), seq == null ? -1 : Long.parseLong(seq),
                    poison == null ? null : Poison.valueOf(poison), r.value()));
        }
        return in;
    }

    /** The enriched records of {@code topic}, written with {@code schema} (the run's configuration's). */
    static List<Out> enriched(String bootstrap, String topic, Schema schema, Duration atMost) {
        SpecificDatumReader<GenericRecord> reader = enrichedReader(schema);
        List<Out> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topic, atMost)) {
            GenericRecord e = decode(reader, r);
            out.add(new Out(r.partition(), r.offset(), key(r), (Integer) e.get("source_partition"),
                    (Long) e.get("source_offset"), e, null));
        }
        return out;
    }

    /**
     * A reader of enriched records written with {@code schema}: generic envelope, the built-in results as their
     * generated classes (what {@link ExpectedResults} computes them as).
     */
    static SpecificDatumReader<GenericRecord> enrichedReader(Schema schema) {
        dev.enricher.serde.GeneratedClassTrust.install();
        return new SpecificDatumReader<>(schema, schema, SpecificData.get());
    }

    static List<Out> deadLetters(String bootstrap, String topic, Duration atMost) {
        SpecificDatumReader<DeadLetter> reader = new SpecificDatumReader<>(DeadLetter.class);
        List<Out> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(bootstrap, topic, atMost)) {
            DeadLetter d = decode(reader, r);
            out.add(new Out(r.partition(), r.offset(), key(r), d.getSourcePartition(), d.getSourceOffset(), null, d));
        }
        return out;
    }

    private static <T> T decode(SpecificDatumReader<T> reader, ConsumerRecord<byte[], byte[]> r) {
        byte[] v = r.value();
        if (v == null || v.length < WireFormat.HEADER_LENGTH || v[0] != WireFormat.MAGIC_BYTE) {
            throw new IllegalStateException(r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " is not in the registry wire format");
        }
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(v, WireFormat.HEADER_LENGTH,
                    v.length - WireFormat.HEADER_LENGTH, null));
        } catch (IOException e) {
            throw new IllegalStateException(r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " cannot be decoded: " + e.getMessage(), e);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Every committed record of {@code topic}, partition by partition in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, Duration atMost) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, atMost).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, atMost);
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            long deadline = System.nanoTime() + atMost.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, atMost) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end in " + atMost);
                }
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            all.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return all;
        }
    }
}
