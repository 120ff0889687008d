package dev.enricher.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.enricher.config.EnricherConfig;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.SerdeException;
import dev.enricher.tools.TopicNotFoundException;
import dev.enricher.tools.TopicTail;
import dev.enricher.topology.KafkaProperties;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher tail}: prints the records of a topic as JSON lines through a {@link TopicTail}, until
 * {@code --max}, {@code --timeout} or Ctrl-C.
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
            "With --config enricher.yaml it reaches the cluster and the registry as the service does: the file's "
                    + "kafka.bootstrap-servers, Kafka security settings (streams: security.protocol, ssl.*, sasl.*) "
                    + "and registry settings (URL, basic auth or bearer token, TLS stores), read with the same "
                    + "environment overrides; options given here override the file's.",
            "",
            "Example: stream-enricher tail --bootstrap-servers 127.0.0.1:9092 --topic enriched "
                    + "--registry-url http://127.0.0.1:8081 --from-beginning --max 10 --pretty",
            "         stream-enricher tail --config enricher.yaml --topic enricher-dead-letters --from-beginning"},
        footer = {"", "Exit codes: 0 done, 1 the topic does not exist or Kafka or the registry failed, 2 a bad option."})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceConfigOption serviceConfig;

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

    private final Object lock = new Object();
    private boolean stopping;
    private TopicTail running;

    /** Asks a running command to stop after the record it is printing; safe from any thread. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            if (running != null) {
                running.stop();
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max " + max + " must be at least 1");
        }
        EnricherConfig service = serviceConfig.load(spec);
        kafka.validate(spec, service);
        SchemaRegistry reg = registry != null ? registry : registryOptions.open(spec, service);
        TopicTail.Settings settings = new TopicTail.Settings(topic, fromBeginning, max, timeout, pretty);
        TopicTail tail = null;
        try (StopOnSignal signal = StopOnSignal.install("tail-shutdown", this::stop, Duration.ofSeconds(10));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                     kafka.clientConfig(TopicTail.consumerSettings(), service, KafkaProperties.Client.CONSUMER))) {
            tail = new TopicTail(consumer, reg == null ? null : AvroDeserializer.generic(reg), settings, out, () -> {
                err.println("tail: values are Avro in the wire format: give --registry-url (or --config) to decode "
                        + "them");
                err.flush();
            }, System::nanoTime);
            synchronized (lock) {
                running = tail;
                if (stopping) {
                    tail.stop();
                }
            }
            tail.run();
            return 0;
        } catch (TopicNotFoundException e) {
            err.println("tail: " + kafka.missing(e, "--topic"));
        } catch (SerdeException e) {
            err.println("tail: " + e.getMessage() + " (" + RegistryOptions.check() + ")");
        } catch (KafkaException e) {
            err.println("tail: " + kafka.failed(e));
        } catch (JsonProcessingException e) {
            err.println("tail: cannot write JSON: " + e.getMessage());
        } finally {
            err.println("tail: printed=" + (tail == null ? 0 : tail.printed()));
            err.flush();
        }
        return 1;
    }
}
