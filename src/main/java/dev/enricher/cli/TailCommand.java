package dev.enricher.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.WireFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher tail}: prints the records of a topic, one JSON document per line, decoding Avro values
 * in the Confluent wire format through the Schema Registry. Reads every partition by manual assignment, without a
 * consumer group: it commits nothing and disturbs no one.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prints a topic's records as JSON lines, decoding Avro through the Schema Registry.",
            "",
            "Works on the enriched or the dead-letter topic, or any other: one JSON document per record "
                    + "and line on stdout, for people and for jq: topic, partition, offset, timestamp "
                    + "(ISO-8601), key, headers and value.",
            "",
            "Values in the Confluent wire format (magic byte 0 and a schema id) are decoded from Avro with the "
                    + "writer's schema from --registry-url and shown as JSON (value_encoding 'avro', schema_id); "
                    + "other values as UTF-8 text ('utf8') or, when not valid UTF-8, base64 ('base64'). Bytes inside "
                    + "records (a dead letter's original key, value and header values) are shown the same way with "
                    + "a sibling <field>_encoding of 'utf8' or 'base64'; timestamps as ISO-8601 instants. A value "
                    + "that cannot be decoded is shown in base64 with value_error saying why.",
            "",
            "Starts at the end of every partition (only new records) unless --from-beginning; reads committed "
                    + "records only; stops after --max records, after --timeout without a record, or on Ctrl-C. "
                    + "A last line 'tail: printed=N' goes to stderr.",
            "",
            "Example: stream-enricher tail --bootstrap-servers 127.0.0.1:9092 --topic enriched "
                    + "--registry-url http://127.0.0.1:8081 --from-beginning --max 10 --pretty"},
        footer = {"", "Exit codes: 0 done, 1 the topic does not exist or Kafka or the registry failed, 2 a bad option."})
final class TailCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--topic", required = true, description = "Topic to print.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the beginning of every partition, not at its end.")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long without a record, e.g. 10s, 2m (default: wait for records until "
                    + "Ctrl-C).")
    Duration timeout;

    @Option(names = "--pretty", description = "Indent each JSON document over several lines.")
    boolean pretty;

    /** Set by tests instead of --registry-url; null in production. */
    SchemaRegistry registry;

    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> running;

    /** Asks a running command to stop after the record it is printing; safe from any thread. */
    void stop() {
        stopping = true;
        KafkaConsumer<byte[], byte[]> c = running;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max " + max + " must be at least 1");
        }
        SchemaRegistry reg = registry != null ? registry : registryOptions.open(spec);
        AvroDeserializer<GenericRecord> avro = reg == null ? null : AvroDeserializer.generic(reg);
        ObjectWriter writer = pretty ? JsonRendering.MAPPER.writerWithDefaultPrettyPrinter() : JsonRendering.MAPPER.writer();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tail-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long printed = 0;
        boolean missingRegistryReported = false;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(consumerConfig()))) {
            running = consumer;
            if (stopping) {
                return 0;
            }
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                err.println("tail: topic " + topic + " does not exist on " + kafka.bootstrapServers
                        + ": check --topic and --bootstrap-servers");
                return 1;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).collect(Collectors.toList());
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve "end" now, so records sent from here on are shown
            }
            long lastRecord = System.nanoTime();
            outer:
            while (!stopping) {
                var records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ObjectNode json = render(r, avro);
                    if (avro == null && json.has("schema_id") && !missingRegistryReported) {
                        missingRegistryReported = true;
                        err.println("tail: values are Avro in the wire format: give --registry-url to decode them");
                        err.flush();
                    }
                    out.println(writer.writeValueAsString(json));
                    out.flush();
                    printed++;
                    if (max != null && printed >= max) {
                        break outer;
                    }
                }
                if (!records.isEmpty()) {
                    lastRecord = System.nanoTime();
                } else if (timeout != null && System.nanoTime() - lastRecord >= timeout.toNanos()) {
                    break;
                }
            }
        } catch (WakeupException | InterruptException e) {
            // stop() or an interrupt: a normal end
            Thread.interrupted();
        } catch (RegistryUnavailable e) {
            err.println("tail: " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            err.println("tail: Kafka failed: " + e.getMessage() + " (check --bootstrap-servers and --client-property)");
            return 1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            err.println("tail: cannot write JSON: " + e.getMessage());
            return 1;
        } finally {
            running = null;
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and returns now
            }
            err.println("tail: printed=" + printed);
            err.flush();
        }
        return 0;
    }

    private static Map<String, Object> consumerConfig() {
        return Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "stream-enricher-tail");
    }

    /**
     * One record as JSON: {@code topic, partition, offset, timestamp, key, key_encoding, headers, value_encoding,
     * schema_id, value} (and {@code value_error} when an Avro value could not be decoded).
     *
     * @param avro null when no registry is configured: Avro values are then shown in base64
     * @throws RegistryUnavailable when the registry cannot be asked (not the record's fault: stop, do not guess)
     */
    static ObjectNode render(ConsumerRecord<byte[], byte[]> r, AvroDeserializer<GenericRecord> avro) {
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
                o.put("value_encoding", JsonRendering.BASE64);
                o.put("schema_id", id);
                o.put("value", java.util.Base64.getEncoder().encodeToString(v));
                o.put("value_error", "Avro in the wire format (schema id " + id + "): give --registry-url to decode it");
                return o;
            }
            try {
                GenericRecord record = avro.deserialize(r.topic(), v);
                o.put("value_encoding", "avro");
                o.put("schema_id", id);
                o.set("value", JsonRendering.record(record));
            } catch (SerdeException e) {
                if (e.reason() == SerdeException.Reason.REGISTRY_UNAVAILABLE) {
                    throw new RegistryUnavailable(e.getMessage() + " (check --registry-url)", e);
                }
                o.put("value_encoding", JsonRendering.BASE64);
                o.put("schema_id", id);
                o.put("value", java.util.Base64.getEncoder().encodeToString(v));
                o.put("value_error", e.getMessage());
            }
            return o;
        }
        String text = JsonRendering.utf8OrNull(v);
        o.put("value_encoding", text != null ? JsonRendering.UTF8 : JsonRendering.BASE64);
        o.put("value", text != null ? text : java.util.Base64.getEncoder().encodeToString(v));
        return o;
    }

    /** The registry could not be asked for a schema. */
    static final class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
