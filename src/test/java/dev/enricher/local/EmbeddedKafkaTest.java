package dev.enricher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.enricher.testing.KafkaPerClass;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    @Test
    void idempotentProducerRecordsAreAllReadCommitted() throws Exception {
        KAFKA.createTopic("idempotent", 3);
        try (var producer = producer(KAFKA.broker(), Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("idempotent", "k" + i, "v" + i));
            }
            producer.flush();
        }
        List<String> values = readAll(KAFKA.broker(), "idempotent", 100);
        assertThat(values).hasSize(100).doesNotHaveDuplicates();
        assertThat(values).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void abortedTransactionsAreInvisibleToReadCommitted() {
        KAFKA.createTopic("tx", 3);
        try (var producer = producer(KAFKA.broker(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test"))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("tx", "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("tx", "k" + i, "aborted-" + i));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "last", "committed-last"));
            producer.commitTransaction();
        }
        // Reading the last committed record proves the consumer got past the aborted batch.
        List<String> values = readAll(KAFKA.broker(), "tx", 11);
        assertThat(values).hasSize(11).allMatch(v -> v.startsWith("committed-")).contains("committed-last");
    }

    @Test
    void restartOnTheSameDataDirKeepsTheRecords(@TempDir Path dir) {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.start(data, 0)) {
            first.createTopic("durable", 3);
            try (var producer = producer(first, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("durable", "k" + i, "v" + i));
                }
                producer.flush();
            }
        }
        assertThat(data).isDirectory();
        try (EmbeddedKafka second = EmbeddedKafka.start(data, 0)) {
            assertThat(readAll(second, "durable", 20)).hasSize(20).doesNotHaveDuplicates();
        }
    }

    @Test
    void closeIsIdempotentFreesThePortAndDeletesTheTempDir() throws IOException {
        EmbeddedKafka own = EmbeddedKafka.start(null, 0);
        int port = Integer.parseInt(own.bootstrapServers().substring(own.bootstrapServers().lastIndexOf(':') + 1));
        assertThat(own.bootstrapServers()).startsWith("127.0.0.1:");
        own.createTopic("short-lived", 1);
        Path dataDir = tempDirOf(own);
        own.close();
        own.close();
        assertThat(dataDir).doesNotExist();
        try (ServerSocket socket = new ServerSocket(port, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        assertThatThrownBy(() -> own.createTopic("after-close", 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aGivenPortIsUsed() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            port = socket.getLocalPort();
        }
        try (EmbeddedKafka own = EmbeddedKafka.start(null, port)) {
            assertThat(own.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
        }
    }

    private static Path tempDirOf(EmbeddedKafka k) {
        try {
            var field = EmbeddedKafka.class.getDeclaredField("dataDir");
            field.setAccessible(true);
            Path p = (Path) field.get(k);
            assertThat(Files.isDirectory(p)).isTrue();
            return p;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka k, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    private static List<String> readAll(EmbeddedKafka k, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(p)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
            // Anything beyond the expected records (e.g. aborted ones leaking) shows up in one more poll.
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
