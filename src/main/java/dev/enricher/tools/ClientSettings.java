package dev.enricher.tools;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The Kafka client settings every tool starts from: the tools move bytes as they are, and never lose or invent any. */
final class ClientSettings {
    private ClientSettings() {
    }

    /**
     * A consumer of bytes that reads committed records only (the service writes in transactions: an aborted record
     * is not one), commits nothing by itself and creates no topic. A mutable map, for the tool's own additions.
     */
    static Map<String, Object> committedReader(String clientId) {
        return new HashMap<>(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, clientId));
    }

    /** An idempotent producer of bytes with {@code acks=all}. A mutable map, for the tool's own additions. */
    static Map<String, Object> idempotentWriter(String clientId) {
        return new HashMap<>(Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.CLIENT_ID_CONFIG, clientId));
    }
}
