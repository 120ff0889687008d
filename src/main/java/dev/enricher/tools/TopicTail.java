package dev.enricher.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.WireFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Prints a topic's records, one JSON document per record, decoding Avro values in the Confluent wire format with
 * the writer's schema from the registry ({@link #render} says how each record looks).
 *
 * <p>What it reads: every partition of the topic by manual assignment, without a consumer group, so it commits
 * nothing and disturbs no one; from the beginning or from the end offsets found when it starts; committed records
 * only ({@link #consumerSettings}). It stops after {@link Settings#max} records, after {@link Settings#idleTimeout}
 * without a record, or when {@link #stop()} is called.
 *
 * <p>Threads: {@link #run} is called once, on the caller's thread, which it blocks; the consumer belongs to the
 * caller, who closes it after the run. {@link #stop()} may be called from any thread (a Ctrl-C hook), before or
 * during the run. Forbidden: calling {@code run} twice; using the consumer from another thread during the run.
 */
public final class TopicTail {
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * What to print.
     *
     * @param topic       the topic
     * @param fromBeginning start at the beginning of every partition rather than at its end
     * @param max         stop after this many records, >= 1; null for no limit
     * @param idleTimeout stop after this long without a record; null to wait for records until stopped
     * @param pretty      indent each document over several lines
     */
    public record Settings(String topic, boolean fromBeginning, Long max, Duration idleTimeout, boolean pretty) {
        public Settings {
            Objects.requireNonNull(topic, "topic");
            if (max != null && max < 1) {
                throw new IllegalArgumentException("max " + max + " must be at least 1");
            }
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<GenericRecord> avro;
    private final Settings settings;
    private final PrintWriter out;
    private final Runnable avroWithoutRegistry;
    private final LongSupplier nanoTime;
    private volatile boolean stopping;
    private long printed;

    /**
     * @param avro                decodes wire-format values; null when no registry is known (they are shown in base64)
     * @param out                 where the documents go, one per line (or several lines when pretty), flushed each
     * @param avroWithoutRegistry called once, on the first wire-format value met without a registry
     * @param nanoTime            the clock of the idle timeout ({@code System::nanoTime})
     */
    public TopicTail(Consumer<byte[], byte[]> consumer, Deserializer<GenericRecord> avro, Settings settings,
                     PrintWriter out, Runnable avroWithoutRegistry, LongSupplier nanoTime) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.avro = avro;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.out = Objects.requireNonNull(out, "out");
        this.avroWithoutRegistry = Objects.requireNonNull(avroWithoutRegistry, "avroWithoutRegistry");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The consumer's own settings: read_committed, no commits, no topic auto-creation. */
    public static Map<String, Object> consumerSettings() {
        return ClientSettings.committedReader("stream-enricher-tail");
    }

    /** Asks the run to end after the record it is printing; safe from any thread, before or during the run. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    /** Records printed so far (final once {@link #run} has returned or thrown). */
    public long printed() {
        return printed;
    }

    /**
     * Prints until a limit is reached or {@link #stop()} is called (an interrupt of the calling thread ends the run
     * the same way).
     *
     * @return the number of records printed
     * @throws TopicNotFoundException   when the topic does not exist
     * @throws SerdeException           (reason {@code REGISTRY_UNAVAILABLE}) when the registry cannot be asked: not
     *                                  the record's fault, so the run stops rather than guess
     * @throws JsonProcessingException  when a document cannot be written
     * @throws org.apache.kafka.common.KafkaException when Kafka fails
     */
    public long run() throws JsonProcessingException {
        ObjectWriter writer = settings.pretty() ? JsonRendering.MAPPER.writerWithDefaultPrettyPrinter()
                : JsonRendering.MAPPER.writer();
        boolean missingRegistryReported = false;
        try {
            if (stopping) {
                return printed;
            }
            seek(partitions());
            long lastRecord = nanoTime.getAsLong();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ObjectNode json = render(r, avro);
                    if (avro == null && json.has("schema_id") && !missingRegistryReported) {
                        missingRegistryReported = true;
                        avroWithoutRegistry.run();
                    }
                    out.println(writer.writeValueAsString(json));
                    out.flush();
                    printed++;
                    if (settings.max() != null && printed >= settings.max()) {
                        return printed;
                    }
                }
                if (!records.isEmpty()) {
                    lastRecord = nanoTime.getAsLong();
                } else if (settings.idleTimeout() != null
                        && nanoTime.getAsLong() - lastRecord >= settings.idleTimeout().toNanos()) {
                    return printed;
                }
            }
        } catch (WakeupException | InterruptException e) {
            // stop() or an interrupt: a normal end; the interrupt was the signal, not a state to keep
            Thread.interrupted();
        }
        return printed;
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(settings.topic(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new TopicNotFoundException(settings.topic());
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).collect(Collectors.toList());
    }

    private void seek(List<TopicPartition> partitions) {
        consumer.assign(partitions);
        if (settings.fromBeginning()) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "end" now, so records sent from here on are shown
        }
    }

    /**
     * One record as JSON: {@code topic, partition, offset, timestamp, key, key_encoding, headers, value_encoding,
     * schema_id, value} (and {@code value_error} when an Avro value could not be decoded). Values in the wire format
     * are decoded from Avro ({@code value_encoding} "avro"); others are UTF-8 text or, when not valid UTF-8, base64.
     *
     * @param avro null when no registry is known: wire-format values are then shown in base64
     * @throws SerdeException (reason {@code REGISTRY_UNAVAILABLE}) when the registry cannot be asked
     */
    static ObjectNode render(ConsumerRecord<byte[], byte[]> r, Deserializer<GenericRecord> avro) {
        ObjectNode o = JsonRendering.MAPPER.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", r.timestamp() < 0 ? null : Instant.ofEpochMilli(r.timestamp()).toString());
        JsonRendering.putBytes(o, "key", r.key());
        o.set("headers", JsonRendering.headers(r.headers()));
        byte[] v = r.value();
        if (v == null) {
            o.putNull("value");
            return o;
        }
        if (v.length >= WireFormat.HEADER_LENGTH && v[0] == WireFormat.MAGIC_BYTE) {
            int id = WireFormat.schemaId(v);
            if (avro == null) {
                putUndecoded(o, id, v, "Avro in the wire format (schema id " + id + "): give --registry-url to "
                        + "decode it");
                return o;
            }
            try {
                GenericRecord record = avro.deserialize(r.topic(), v);
                o.put("value_encoding", "avro");
                o.put("schema_id", id);
                o.set("value", JsonRendering.record(record));
            } catch (SerdeException e) {
                if (e.reason() == SerdeException.Reason.REGISTRY_UNAVAILABLE) {
                    throw e;
                }
                putUndecoded(o, id, v, e.getMessage());
            }
            return o;
        }
        String text = JsonRendering.utf8OrNull(v);
        o.put("value_encoding", text != null ? JsonRendering.UTF8 : JsonRendering.BASE64);
        o.put("value", text != null ? text : Base64.getEncoder().encodeToString(v));
        return o;
    }

    private static void putUndecoded(ObjectNode o, int schemaId, byte[] value, String why) {
        o.put("value_encoding", JsonRendering.BASE64);
        o.put("schema_id", schemaId);
        o.put("value", Base64.getEncoder().encodeToString(value));
        o.put("value_error", why);
    }
}
